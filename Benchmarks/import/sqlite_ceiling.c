// SQLite's own speed for the contacts import, with no parsing, no normalizing and no Swift: 1M contacts (each linked to
// one of 50,000 accounts) and their email and external-id identities, one prepared statement per row, one transaction,
// the pragmas Pitcrew uses. Variants (argument 3): base (the real schema, foreign keys on), nofk, nofk-nolookup (no
// per-row email lookup either), nofk-defer (three secondary indexes dropped, rebuilt after the load), lean (integer
// keys, identities WITHOUT ROWID: what the schema would need for 100k rows/s). Flags that combine with nofk: noid (no
// identity rows: the import since session 7), idwr (identities WITHOUT ROWID), nowsid (no (workspace_id, id) index),
// partext (partial external-id index), shortid (16-character contact and account ids instead of UUIDs).
// Usage: sqlite_ceiling MIGRATED_DB ROWS VARIANT   (the database is copied; the copy is written)
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void run(sqlite3 *db, const char *sql) {
    char *error = 0;
    if (sqlite3_exec(db, sql, 0, 0, &error) != SQLITE_OK) { fprintf(stderr, "%s: %s\n", sql, error); exit(1); }
}
static void step(sqlite3 *db, sqlite3_stmt *statement) {
    int rc;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {}
    if (rc != SQLITE_DONE) { fprintf(stderr, "%s\n", sqlite3_errmsg(db)); exit(1); }
    sqlite3_reset(statement);
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: %s MIGRATED_DB ROWS VARIANT\n", argv[0]); return 2; }
    const char *variant = argv[3];
    int rows = atoi(argv[2]), lean = strstr(variant, "lean") != 0, lookup = !strstr(variant, "nolookup");
    char path[4096], command[9000];
    snprintf(path, sizeof path, "%s.ceiling", argv[1]);
    snprintf(command, sizeof command, "rm -f '%s' '%s-wal' '%s-shm' && cp '%s' '%s'", path, path, path, argv[1], path);
    if (system(command) != 0) return 1;
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) return 1;
    // "p8k" / "p16k": the database rebuilt with 8 KB or 16 KB pages (SQLite's default is 4 KB).
    if (strstr(variant, "p8k")) run(db, "PRAGMA journal_mode=DELETE; PRAGMA page_size=8192; VACUUM");
    if (strstr(variant, "p16k")) run(db, "PRAGMA journal_mode=DELETE; PRAGMA page_size=16384; VACUUM");
    // "delete": the load written through a rollback journal instead of the WAL (no checkpoint to copy it afterwards).
    run(db, strstr(variant, "delete") ? "PRAGMA journal_mode=DELETE" : "PRAGMA journal_mode=WAL");
    run(db, "PRAGMA synchronous=FULL");
    run(db, strcmp(variant, "base") == 0 ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF");
    run(db, "PRAGMA cache_size=-262144");
    run(db, "PRAGMA mmap_size=1073741824");
    run(db, "PRAGMA temp_store=MEMORY");
    // Workspace ids: a UUID as before session 8, or the 12-character id new workspaces get ("shortws").
    const char *ws = strstr(variant, "shortws") ? "w0123456789a" : "0190aaaa-bbbb-7ccc-8ddd-eeeeffff0000";
    char insertWorkspace[256];
    snprintf(insertWorkspace, sizeof insertWorkspace, "INSERT INTO workspaces (id, slug, name, created_at) VALUES ('%s', 'ceiling', 'Ceiling', 0)", ws);
    run(db, insertWorkspace);
    if (strstr(variant, "defer")) run(db, "DROP INDEX contacts_workspace_id; DROP INDEX contacts_account; DROP INDEX identities_contact");
    if (strstr(variant, "idwr"))
        run(db, "DROP TABLE identities; CREATE TABLE identities (workspace_id TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
                " contact_id TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, kind, value)) WITHOUT ROWID;"
                " CREATE INDEX identities_contact ON identities (workspace_id, contact_id)");
    if (strstr(variant, "nowsid")) run(db, "DROP INDEX contacts_workspace_id");
    // "wor": contacts a WITHOUT ROWID table keyed by its text id (one B-tree for the rows and their id).
    if (strstr(variant, "wor"))
        run(db, "DROP TABLE contacts; CREATE TABLE contacts (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, email TEXT,"
                " first_name TEXT, last_name TEXT, title TEXT, phone TEXT, country TEXT, account_id TEXT, lifecycle_stage TEXT,"
                " external_id TEXT, traits TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL) WITHOUT ROWID;"
                " CREATE INDEX contacts_email ON contacts (workspace_id, email); CREATE INDEX contacts_account ON contacts (workspace_id, account_id);"
                " CREATE INDEX contacts_external ON contacts (workspace_id, external_id);"
                " CREATE INDEX contacts_workspace_id ON contacts (workspace_id, id)");
    if (strstr(variant, "partext")) run(db, "DROP INDEX contacts_external; CREATE INDEX contacts_external ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL");
    // "intkey": only the contacts' own key an integer (the row id); workspace and account ids stay text.
    int intkey = strstr(variant, "intkey") != 0;
    // "shortid": contact and account ids of 16 characters instead of a 36-character UUID.
    int shortid = strstr(variant, "shortid") != 0;
    if (intkey)
        run(db, "DROP TABLE contacts; CREATE TABLE contacts (id INTEGER PRIMARY KEY, workspace_id TEXT NOT NULL, email TEXT,"
                " first_name TEXT, last_name TEXT, title TEXT, phone TEXT, country TEXT, account_id TEXT, lifecycle_stage TEXT,"
                " external_id TEXT, traits TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
                " CREATE INDEX contacts_email ON contacts (workspace_id, email); CREATE INDEX contacts_account ON contacts (workspace_id, account_id);"
                " CREATE INDEX contacts_external ON contacts (workspace_id, external_id) WHERE external_id IS NOT NULL");
    if (lean)
        run(db, "CREATE TABLE c (id INTEGER PRIMARY KEY, ws INTEGER NOT NULL, email TEXT, first_name TEXT, last_name TEXT, title TEXT,"
                " phone TEXT, country TEXT, lifecycle_stage TEXT, account INTEGER, external_id TEXT, traits TEXT, created_at INTEGER,"
                " updated_at INTEGER); CREATE INDEX c_email ON c (ws, email); CREATE INDEX c_account ON c (ws, account);"
                " CREATE INDEX c_external ON c (ws, external_id) WHERE external_id IS NOT NULL;"
                " CREATE TABLE i (ws INTEGER NOT NULL, kind INTEGER NOT NULL, value TEXT NOT NULL, contact INTEGER NOT NULL,"
                " created_at INTEGER, PRIMARY KEY (ws, kind, value)) WITHOUT ROWID; CREATE INDEX i_contact ON i (ws, contact)");
    double start = now();
    run(db, "BEGIN");
    sqlite3_stmt *account, *contact, *identity, *find;
    char email[128], external[32], id[64], accountID[64], name[32], domain[64];
    if (!lean) {
        sqlite3_prepare_v2(db, "INSERT INTO accounts (id, workspace_id, name, domain, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0)", -1, &account, 0);
        for (int a = 0; a < 50000; a++) {
            if (shortid) snprintf(accountID, sizeof accountID, "0a%06xk%07x", 1, 10000000 + a);
            else snprintf(accountID, sizeof accountID, "019%05x-0000-7000-8000-%012x", 1, 10000000 + a);
            snprintf(name, sizeof name, "Company%d", a);
            snprintf(domain, sizeof domain, "company%d.example", a);
            sqlite3_bind_text(account, 1, accountID, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(account, 2, ws, -1, SQLITE_STATIC);
            sqlite3_bind_text(account, 3, name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(account, 4, domain, -1, SQLITE_TRANSIENT);
            step(db, account);
        }
    }
    sqlite3_prepare_v2(db, lean
        ? "INSERT INTO c (email, external_id, first_name, last_name, title, phone, country, lifecycle_stage, id, ws, account, traits, created_at,"
          " updated_at) VALUES (?, ?, 'Ann', 'Lee', 'CMO', '+14155551234', 'US', 'lead', ?, 1, ?, '{\"lead_source\":\"Webinar\"}', 0, 0)"
        : "INSERT INTO contacts (email, external_id, first_name, last_name, title, phone, country, lifecycle_stage, id, workspace_id, account_id,"
          " traits, created_at, updated_at) VALUES (?, ?, 'Ann', 'Lee', 'CMO', '+14155551234', 'US', 'lead', ?, ?, ?, '{\"lead_source\":\"Webinar\"}', 0, 0)",
        -1, &contact, 0);
    sqlite3_prepare_v2(db, lean
        ? "INSERT INTO i (ws, kind, value, contact, created_at) VALUES (1, ?, ?, ?, 0) ON CONFLICT DO NOTHING"
        : "INSERT INTO identities (workspace_id, kind, value, contact_id, created_at) VALUES (?, ?, ?, ?, 0) ON CONFLICT DO NOTHING", -1, &identity, 0);
    sqlite3_prepare_v2(db, lean ? "SELECT id FROM c WHERE ws = 1 AND email = ?" : "SELECT id FROM contacts WHERE workspace_id = ? AND email = ?", -1, &find, 0);
    srand(1);
    for (int i = 0; i < rows; i++) {
        int company = rand() % 50000;
        snprintf(email, sizeof email, "person%d@company%d.example", i, company);
        snprintf(external, sizeof external, "%d", 100000 + i);
        if (shortid) {
            snprintf(id, sizeof id, "0c%06xk%07x", i >> 20, i);
            snprintf(accountID, sizeof accountID, "0a%06xk%07x", 1, 10000000 + company);
        } else {
            snprintf(id, sizeof id, "019%05x-0000-7000-8000-%012x", i >> 20, i);
            snprintf(accountID, sizeof accountID, "019%05x-0000-7000-8000-%012x", 1, 10000000 + company);
        }
        if (lookup) {
            if (lean) { sqlite3_bind_text(find, 1, email, -1, SQLITE_STATIC); }
            else { sqlite3_bind_text(find, 1, ws, -1, SQLITE_STATIC); sqlite3_bind_text(find, 2, email, -1, SQLITE_STATIC); }
            step(db, find);
        }
        sqlite3_bind_text(contact, 1, email, -1, SQLITE_STATIC);
        sqlite3_bind_text(contact, 2, external, -1, SQLITE_STATIC);
        if (lean) { sqlite3_bind_int64(contact, 3, i + 1); sqlite3_bind_int64(contact, 4, company); }
        else {
            if (intkey) sqlite3_bind_int64(contact, 3, i + 1); else sqlite3_bind_text(contact, 3, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(contact, 4, ws, -1, SQLITE_STATIC);
            sqlite3_bind_text(contact, 5, accountID, -1, SQLITE_STATIC);
        }
        step(db, contact);
        for (int k = 0; k < (strstr(variant, "noid") ? 0 : 2); k++) {
            const char *value = k == 0 ? email : external;
            if (lean) {
                sqlite3_bind_int(identity, 1, k + 1);
                sqlite3_bind_text(identity, 2, value, -1, SQLITE_STATIC);
                sqlite3_bind_int64(identity, 3, i + 1);
            } else {
                sqlite3_bind_text(identity, 1, ws, -1, SQLITE_STATIC);
                sqlite3_bind_text(identity, 2, k == 0 ? "email" : "external_id", -1, SQLITE_STATIC);
                sqlite3_bind_text(identity, 3, value, -1, SQLITE_STATIC);
                sqlite3_bind_text(identity, 4, id, -1, SQLITE_STATIC);
            }
            step(db, identity);
        }
    }
    if (strstr(variant, "defer"))
        run(db, "CREATE INDEX contacts_account ON contacts (workspace_id, account_id); CREATE INDEX contacts_workspace_id ON contacts (workspace_id, id);"
                " CREATE INDEX identities_contact ON identities (workspace_id, contact_id)");
    run(db, "COMMIT");
    // "ckpt": the checkpoint that copies the WAL into the database file counted too (an importer's close does it).
    if (strstr(variant, "ckpt")) run(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    double seconds = now() - start;
    printf("%s,%d,%.2f,%.0f\n", variant, rows, seconds, rows / seconds);
    sqlite3_close(db);
    snprintf(command, sizeof command, "rm -f '%s' '%s-wal' '%s-shm'", path, path, path);
    return system(command) == 0 ? 0 : 1;
}
