"""Official SDKs against a local Pitcrew: segment-analytics-python and rudder-sdk-python send every call type; each
call must be stored exactly once, with its type, ids, event name and traits.
Usage: sdk_check.py BASE_URL WRITE_KEY API_TOKEN
"""
import json, sys, time, urllib.request, uuid

BASE, KEY, TOKEN = sys.argv[1], sys.argv[2], sys.argv[3]


def api(path):
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def stored_events():
    events, cursor = [], None
    while True:
        page = api("/api/v1/events?limit=500" + (f"&cursor={cursor}" if cursor else ""))
        events += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return events


def send_segment(run):
    import segment.analytics as analytics
    analytics.write_key, analytics.host, analytics.sync_mode = KEY, BASE, False
    sent = {}
    def note(kind, message_id):
        sent[message_id] = kind
        return message_id
    user = f"seg-{run}"
    analytics.identify(user, {"email": f"{user}@example.com", "plan": "pro"}, message_id=note("identify", str(uuid.uuid4())))
    analytics.track(user, "Signed Up", {"plan": "pro"}, message_id=note("track", str(uuid.uuid4())))
    analytics.page(user, "Docs", "Pricing", {"url": "https://acme.example/pricing?utm_source=newsletter&utm_medium=email"},
                   message_id=note("page", str(uuid.uuid4())))
    analytics.screen(user, "App", "Home", message_id=note("screen", str(uuid.uuid4())))
    analytics.group(user, f"org-{run}", {"name": "Acme"}, message_id=note("group", str(uuid.uuid4())))
    analytics.alias(f"anon-{run}", user, message_id=note("alias", str(uuid.uuid4())))
    for n in range(200):
        analytics.track(user, "Feature Used", {"n": n}, message_id=note("track", str(uuid.uuid4())))
    analytics.flush()
    analytics.shutdown()
    return sent


def send_rudder(run):
    import rudderstack.analytics as rudder
    rudder.write_key, rudder.dataPlaneUrl = KEY, BASE
    rudder.sync_mode = False
    sent = {}
    user = f"rud-{run}"
    # The RudderStack SDK makes its own messageIds; they are read back from what it sent (on_error is not called).
    rudder.identify(user, {"email": f"{user}@example.com"})
    rudder.track(user, "Signed Up", {"plan": "team"})
    rudder.page(user, "Docs", "Pricing", {"url": "https://acme.example/pricing"})
    rudder.screen(user, "App", "Home")
    rudder.group(user, f"rorg-{run}", {"name": "Globex"})
    rudder.alias(f"ranon-{run}", user)
    for n in range(200):
        rudder.track(user, "Feature Used", {"n": n})
    rudder.flush()
    rudder.shutdown()
    return user


def main():
    run = uuid.uuid4().hex[:8]
    segment = send_segment(run)
    rudder_user = send_rudder(run)
    expected_rudder = {"identify": 1, "track": 201, "page": 1, "screen": 1, "group": 1, "alias": 1}
    deadline, failures = time.time() + 30, []
    while True:
        events = stored_events()
        by_id = {}
        for event in events:
            by_id[event["message_id"]] = by_id.get(event["message_id"], 0) + 1
        seg_ok = all(by_id.get(mid) == 1 for mid in segment)
        rudder_events = [e for e in events if e["user_id"] == rudder_user]
        rudder_counts = {}
        for event in rudder_events:
            rudder_counts[event["type"]] = rudder_counts.get(event["type"], 0) + 1
        if (seg_ok and rudder_counts == expected_rudder) or time.time() > deadline:
            break
        time.sleep(0.5)
    types = {e["message_id"]: e["type"] for e in events}
    for message_id, kind in segment.items():
        if by_id.get(message_id) != 1:
            failures.append(f"segment {kind} {message_id} stored {by_id.get(message_id, 0)} times")
        elif types[message_id] != kind:
            failures.append(f"segment {message_id} stored as {types[message_id]}, sent as {kind}")
    if rudder_counts != expected_rudder:
        failures.append(f"rudderstack calls stored {rudder_counts}, sent {expected_rudder}")
    if any(count > 1 for count in by_id.values()):
        failures.append("some message stored twice")
    identify = next((e for e in events if e["message_id"] in segment and e["type"] == "identify"), None)
    if not identify or (identify.get("traits") or {}).get("email") != f"seg-{run}@example.com":
        failures.append("segment identify traits not stored as sent")
    print(f"segment-analytics-python: {len(segment)} calls; rudder-sdk-python: {sum(expected_rudder.values())} calls")
    for failure in failures:
        print("FAIL:", failure)
    print("PASS" if not failures else "FAIL")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
