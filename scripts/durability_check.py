"""Kill -9 durability check of the collection API.

Sends batches and single events with unique messageIds from several threads, records every messageId whose request got
a 200, kills the server with SIGKILL in the middle of the load, restarts it, lets it process its collection log, then
checks that every acknowledged message is stored exactly once; finally re-sends the acknowledged batches (SDK retries)
and checks that nothing is stored twice.
Usage: durability_check.py BIN DATABASE PORT WRITE_KEY SECONDS_BEFORE_KILL
"""
import base64, json, os, signal, sqlite3, subprocess, sys, threading, time, urllib.error, urllib.request, uuid

BIN, DB, PORT, KEY, BEFORE_KILL = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
BASE = f"http://127.0.0.1:{PORT}"
AUTH = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()


def start_server(log):
    process = subprocess.Popen([BIN, "serve", "--database", DB, "--port", str(PORT)], stdout=log, stderr=log)
    for _ in range(200):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1)
            return process
        except Exception:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def post(path, body):
    request = urllib.request.Request(BASE + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Authorization": AUTH, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


acked, acked_batches, lock, stop = [], [], threading.Lock(), threading.Event()


def sender(worker):
    n = 0
    while not stop.is_set():
        n += 1
        try:
            if n % 3 == 0:
                message = {"userId": f"user-{worker}-{n % 50}", "event": "Durable", "messageId": str(uuid.uuid4())}
                if post("/v1/track", message) == 200:
                    with lock:
                        acked.append(message["messageId"])
            else:
                batch = [{"type": "track", "anonymousId": f"anon-{worker}-{i}", "event": "Durable", "messageId": str(uuid.uuid4())}
                         for i in range(20)]
                if post("/v1/batch", {"batch": batch}) == 200:
                    with lock:
                        acked.extend(m["messageId"] for m in batch)
                        acked_batches.append(batch)
        except Exception:
            time.sleep(0.02)  # the server is down: an SDK would retry later


def stored_counts(ids):
    connection = sqlite3.connect(DB) if not DB.startswith("postgres") else None
    counts = {}
    if connection is not None:
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            rows = connection.execute(
                f"SELECT message_id, COUNT(*) FROM events WHERE message_id IN ({','.join('?' * len(part))}) GROUP BY message_id", part)
            counts.update(dict(rows.fetchall()))
        connection.close()
    else:
        out = subprocess.run(["psql", DB, "-At", "-c", "SELECT message_id, COUNT(*) FROM events GROUP BY message_id"],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            message_id, count = line.split("|")
            counts[message_id] = int(count)
    return counts


def log_backlog():
    if DB.startswith("postgres"):
        out = subprocess.run(["psql", DB, "-At", "-c", "SELECT COUNT(*) FROM ingest_log"], capture_output=True, text=True, check=True).stdout
        return int(out.strip())
    # On SQLite the collection log is a file of its own beside the database.
    if not os.path.exists(DB + "-collect"):
        return 0
    connection = sqlite3.connect(DB + "-collect")
    count = connection.execute("SELECT COUNT(*) FROM ingest_log").fetchone()[0]
    connection.close()
    return count


def main():
    log = open(os.environ.get("DURABILITY_LOG", "/dev/null"), "ab")
    server = start_server(log)
    threads = [threading.Thread(target=sender, args=(w,), daemon=True) for w in range(6)]
    for thread in threads:
        thread.start()
    time.sleep(BEFORE_KILL)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    time.sleep(0.5)
    stop.set()
    for thread in threads:
        thread.join()
    with lock:
        acknowledged = list(acked)  # requests answered 200 before the kill (none can be answered after it)
    print(f"acknowledged before kill -9: {len(acknowledged)} messages")
    pending = log_backlog()
    print(f"collection log entries waiting after the kill: {pending}")
    server = start_server(log)
    deadline = time.time() + 120
    while log_backlog() > 0 and time.time() < deadline:
        time.sleep(0.2)
    counts = stored_counts(acknowledged)
    missing = [m for m in acknowledged if counts.get(m, 0) == 0]
    doubled = [m for m in acknowledged if counts.get(m, 0) > 1]
    print(f"stored: {sum(1 for m in acknowledged if counts.get(m, 0) == 1)} exactly once, {len(missing)} missing, {len(doubled)} twice")
    # SDK retries of acknowledged batches after the restart must not store anything twice.
    for batch in acked_batches[:50]:
        post("/v1/batch", {"batch": batch})
    deadline = time.time() + 60
    while log_backlog() > 0 and time.time() < deadline:
        time.sleep(0.2)
    again = stored_counts(acknowledged)
    retried_twice = [m for m in acknowledged if again.get(m, 0) > 1]
    print(f"after re-sending {min(50, len(acked_batches))} acknowledged batches: {len(retried_twice)} stored twice")
    os.kill(server.pid, signal.SIGTERM)
    server.wait()
    ok = acknowledged and not missing and not doubled and not retried_twice
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
