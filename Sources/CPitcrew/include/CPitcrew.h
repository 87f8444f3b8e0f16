// Pitcrew's C: the few SQLite C functions Pitcrew's hot write path calls directly. They are the ones SQLiteNIO already links
// (its vendored SQLite prefixes every symbol with sqlite_nio_), so the process keeps exactly one copy of SQLite:
// two copies in one process would not see each other's file locks and could corrupt the database.
#ifndef PITCREW_CPITCREW_H
#define PITCREW_CPITCREW_H

#include <stddef.h>
#include <stdint.h>

typedef struct pitcrew_sqlite3 pitcrew_sqlite3;
typedef struct pitcrew_sqlite3_stmt pitcrew_sqlite3_stmt;

int pitcrew_sqlite_open(const char *path, pitcrew_sqlite3 **db);
int pitcrew_sqlite_close(pitcrew_sqlite3 *db);
int pitcrew_sqlite_prepare(pitcrew_sqlite3 *db, const char *sql, int bytes, pitcrew_sqlite3_stmt **statement);
int pitcrew_sqlite_bind_text(pitcrew_sqlite3_stmt *statement, int index, const char *text, int64_t bytes);
int pitcrew_sqlite_bind_int64(pitcrew_sqlite3_stmt *statement, int index, int64_t value);
int pitcrew_sqlite_bind_null(pitcrew_sqlite3_stmt *statement, int index);
int pitcrew_sqlite_step(pitcrew_sqlite3_stmt *statement);
int pitcrew_sqlite_reset(pitcrew_sqlite3_stmt *statement);
int pitcrew_sqlite_finalize(pitcrew_sqlite3_stmt *statement);
int pitcrew_sqlite_column_count(pitcrew_sqlite3_stmt *statement);
int pitcrew_sqlite_column_type(pitcrew_sqlite3_stmt *statement, int column);
int64_t pitcrew_sqlite_column_int64(pitcrew_sqlite3_stmt *statement, int column);
const unsigned char *pitcrew_sqlite_column_text(pitcrew_sqlite3_stmt *statement, int column);
int pitcrew_sqlite_column_bytes(pitcrew_sqlite3_stmt *statement, int column);
const char *pitcrew_sqlite_errmsg(pitcrew_sqlite3 *db);
int pitcrew_sqlite_extended_errcode(pitcrew_sqlite3 *db);
int pitcrew_sqlite_changes(pitcrew_sqlite3 *db);

int pitcrew_lower_thread_priority(int niceness);
int pitcrew_idle_thread_priority(void);

// Inflates a gzip or zlib stream (Content-Encoding: gzip bodies). Returns 0 and a malloc'd buffer (free() it) on
// success, -1 for corrupt data, -2 when the output would pass `limit` bytes.
int pitcrew_gunzip(const uint8_t *input, size_t length, size_t limit, uint8_t **output, size_t *output_length);

#define PITCREW_SQLITE_OK 0
#define PITCREW_SQLITE_ROW 100
#define PITCREW_SQLITE_DONE 101
#define PITCREW_SQLITE_INTEGER 1
#define PITCREW_SQLITE_FLOAT 2
#define PITCREW_SQLITE_TEXT 3
#define PITCREW_SQLITE_BLOB 4
#define PITCREW_SQLITE_NULL 5

#endif
