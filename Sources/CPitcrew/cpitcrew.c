#include "CPitcrew.h"
#include <stddef.h>

// Declarations of SQLiteNIO's vendored SQLite (see CPitcrew.h); opaque pointers stand for its types.
typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
int sqlite_nio_sqlite3_open_v2(const char *filename, sqlite3 **db, int flags, const char *vfs);
int sqlite_nio_sqlite3_close_v2(sqlite3 *db);
int sqlite_nio_sqlite3_prepare_v3(sqlite3 *db, const char *sql, int bytes, unsigned int flags, sqlite3_stmt **statement, const char **tail);
int sqlite_nio_sqlite3_bind_text64(sqlite3_stmt *statement, int index, const char *text, uint64_t bytes, void (*destructor)(void *), unsigned char encoding);
int sqlite_nio_sqlite3_bind_int64(sqlite3_stmt *statement, int index, int64_t value);
int sqlite_nio_sqlite3_bind_null(sqlite3_stmt *statement, int index);
int sqlite_nio_sqlite3_step(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_reset(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_clear_bindings(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_finalize(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_column_count(sqlite3_stmt *statement);
int sqlite_nio_sqlite3_column_type(sqlite3_stmt *statement, int column);
int64_t sqlite_nio_sqlite3_column_int64(sqlite3_stmt *statement, int column);
const unsigned char *sqlite_nio_sqlite3_column_text(sqlite3_stmt *statement, int column);
int sqlite_nio_sqlite3_column_bytes(sqlite3_stmt *statement, int column);
const char *sqlite_nio_sqlite3_errmsg(sqlite3 *db);
int sqlite_nio_sqlite3_extended_errcode(sqlite3 *db);
int sqlite_nio_sqlite3_extended_result_codes(sqlite3 *db, int on);
int sqlite_nio_sqlite3_changes(sqlite3 *db);

#define SQLITE_OPEN_READWRITE 0x00000002
#define SQLITE_OPEN_CREATE 0x00000004
#define SQLITE_OPEN_NOMUTEX 0x00008000
#define SQLITE_PREPARE_PERSISTENT 0x01
#define SQLITE_UTF8 1
#define SQLITE_TRANSIENT ((void (*)(void *))-1)

int pitcrew_sqlite_open(const char *path, pitcrew_sqlite3 **db) {
    sqlite3 *handle = NULL;
    int rc = sqlite_nio_sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (handle) sqlite_nio_sqlite3_extended_result_codes(handle, 1);
    *db = (pitcrew_sqlite3 *)handle;
    return rc;
}

int pitcrew_sqlite_close(pitcrew_sqlite3 *db) { return sqlite_nio_sqlite3_close_v2((sqlite3 *)db); }

int pitcrew_sqlite_prepare(pitcrew_sqlite3 *db, const char *sql, int bytes, pitcrew_sqlite3_stmt **statement) {
    return sqlite_nio_sqlite3_prepare_v3((sqlite3 *)db, sql, bytes, SQLITE_PREPARE_PERSISTENT, (sqlite3_stmt **)statement, NULL);
}

int pitcrew_sqlite_bind_text(pitcrew_sqlite3_stmt *statement, int index, const char *text, int64_t bytes) {
    return sqlite_nio_sqlite3_bind_text64((sqlite3_stmt *)statement, index, text, (uint64_t)bytes, SQLITE_TRANSIENT, SQLITE_UTF8);
}

int pitcrew_sqlite_bind_int64(pitcrew_sqlite3_stmt *statement, int index, int64_t value) {
    return sqlite_nio_sqlite3_bind_int64((sqlite3_stmt *)statement, index, value);
}

int pitcrew_sqlite_bind_null(pitcrew_sqlite3_stmt *statement, int index) { return sqlite_nio_sqlite3_bind_null((sqlite3_stmt *)statement, index); }
int pitcrew_sqlite_step(pitcrew_sqlite3_stmt *statement) { return sqlite_nio_sqlite3_step((sqlite3_stmt *)statement); }

int pitcrew_sqlite_reset(pitcrew_sqlite3_stmt *statement) {
    sqlite_nio_sqlite3_clear_bindings((sqlite3_stmt *)statement);
    return sqlite_nio_sqlite3_reset((sqlite3_stmt *)statement);
}

int pitcrew_sqlite_finalize(pitcrew_sqlite3_stmt *statement) { return sqlite_nio_sqlite3_finalize((sqlite3_stmt *)statement); }
int pitcrew_sqlite_column_count(pitcrew_sqlite3_stmt *statement) { return sqlite_nio_sqlite3_column_count((sqlite3_stmt *)statement); }
int pitcrew_sqlite_column_type(pitcrew_sqlite3_stmt *statement, int column) { return sqlite_nio_sqlite3_column_type((sqlite3_stmt *)statement, column); }
int64_t pitcrew_sqlite_column_int64(pitcrew_sqlite3_stmt *statement, int column) { return sqlite_nio_sqlite3_column_int64((sqlite3_stmt *)statement, column); }

const unsigned char *pitcrew_sqlite_column_text(pitcrew_sqlite3_stmt *statement, int column) {
    return sqlite_nio_sqlite3_column_text((sqlite3_stmt *)statement, column);
}

int pitcrew_sqlite_column_bytes(pitcrew_sqlite3_stmt *statement, int column) { return sqlite_nio_sqlite3_column_bytes((sqlite3_stmt *)statement, column); }
const char *pitcrew_sqlite_errmsg(pitcrew_sqlite3 *db) { return sqlite_nio_sqlite3_errmsg((sqlite3 *)db); }
int pitcrew_sqlite_extended_errcode(pitcrew_sqlite3 *db) { return sqlite_nio_sqlite3_extended_errcode((sqlite3 *)db); }
int pitcrew_sqlite_changes(pitcrew_sqlite3 *db) { return sqlite_nio_sqlite3_changes((sqlite3 *)db); }

// Not SQLite: lower the calling thread's scheduling priority (Linux scheduling attributes and nice values are per
// thread), for the background ingest processor. The idle class (SCHED_IDLE, policy 5) runs only when no other thread
// wants the CPU.
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
int pitcrew_lower_thread_priority(int niceness) {
#ifdef SYS_gettid
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), niceness);
#else
    return -1;
#endif
}

int pitcrew_idle_thread_priority(void) {
#ifdef __linux__
    struct sched_param param = {0};
    return sched_setscheduler(0, 5, &param);
#else
    return -1;
#endif
}

#include <stdlib.h>
#include <zlib.h>

int pitcrew_gunzip(const uint8_t *input, size_t length, size_t limit, uint8_t **output, size_t *output_length) {
    z_stream stream = {0};
    if (inflateInit2(&stream, 15 + 32) != Z_OK) return -1;  // 15 + 32: gzip or zlib header, detected
    size_t capacity = length * 4 + 1024;
    if (capacity > limit + 1) capacity = limit + 1;
    uint8_t *buffer = malloc(capacity);
    if (!buffer) { inflateEnd(&stream); return -1; }
    stream.next_in = (Bytef *)input;
    stream.avail_in = (uInt)length;
    int rc;
    do {
        if (stream.total_out >= capacity) {
            if (capacity > limit) { free(buffer); inflateEnd(&stream); return -2; }
            size_t grown = capacity * 2 > limit + 1 ? limit + 1 : capacity * 2;
            uint8_t *bigger = realloc(buffer, grown);
            if (!bigger) { free(buffer); inflateEnd(&stream); return -1; }
            buffer = bigger;
            capacity = grown;
        }
        stream.next_out = buffer + stream.total_out;
        stream.avail_out = (uInt)(capacity - stream.total_out);
        rc = inflate(&stream, Z_NO_FLUSH);
    } while (rc == Z_OK);
    if (rc != Z_STREAM_END || stream.total_out > limit) {
        free(buffer);
        inflateEnd(&stream);
        return rc == Z_STREAM_END ? -2 : -1;
    }
    *output = buffer;
    *output_length = stream.total_out;
    inflateEnd(&stream);
    return 0;
}
