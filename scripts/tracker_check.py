"""Browses a landing page that carries the Pitcrew snippet (served from another origin) in headless Chromium,
submits its lead form, and checks through the events API that the page views and the form identify arrived,
share the browser's anonymous id and were stitched to one contact. Fails on browser console errors.

Usage: python3 scripts/tracker_check.py PITCREW_URL API_TOKEN WRITE_KEY SITE_PORT   (run by scripts/tracker-check)
"""
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

BASE, TOKEN, WRITE_KEY, SITE_PORT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], int(sys.argv[4])
TIMEOUT = float(os.environ.get("TRACKER_CHECK_TIMEOUT", "10"))
EMAIL = "ada@example.org"

# The documented two-line snippet; the landing page also queues a call before the script loads.
SNIPPET = (
    '<script>window.pitcrew=window.pitcrew||[];["page","track","identify","reset"].forEach(function(m){'
    'pitcrew[m]=pitcrew[m]||function(){pitcrew.push([m].concat([].slice.call(arguments)))}});{queued}</script>\n'
    f'<script async src="{BASE}/js/pitcrew.js" data-write-key="{WRITE_KEY}"></script>'
)


def head(title, queued=""):
    snippet = SNIPPET.replace("{queued}", queued)
    return f'<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>{title}</title>\n{snippet}'


# The oversized track (over the 32 KB message limit) is queued with the page view and "Landing Viewed": the tracker drops
# it instead of sending a batch the collector would refuse whole.
LANDING = head("Acme Spring Launch", '\n  pitcrew.track("Landing Viewed", {plan: "pro"});'
               '\n  pitcrew.track("Oversized", {blob: new Array(40001).join("x")});') + """
</head><body><h1>Spring launch</h1>
<form action="thanks.html" method="post">
  <label>Work email <input type="email" id="work-email" name="Email" required></label>
  <label>First name <input type="text" id="first" name="firstName"></label>
  <label>Company <input type="text" id="company" name="company"></label>
  <label>Password <input type="password" id="password" name="password"></label>
  <button type="submit">Get the guide</button>
</form></body></html>"""
THANKS = head("Thanks") + "\n</head><body><h1>Thanks!</h1></body></html>"


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files; a form POST is answered like a real site would: 303 to the page it posted to."""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(303)
        self.send_header("Location", self.path)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def serve_site(directory):
    with open(os.path.join(directory, "landing.html"), "w") as f:
        f.write(LANDING)
    with open(os.path.join(directory, "thanks.html"), "w") as f:
        f.write(THANKS)
    server = ThreadingHTTPServer(("127.0.0.1", SITE_PORT), partial(SiteHandler, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def events():
    request = urllib.request.Request(BASE + "/api/v1/events?limit=50", headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)["items"]


def poll(condition):
    """Fetches events until condition(items) holds or TIMEOUT passes; returns the last items."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            items = events()
        except Exception as error:  # server hiccup: keep polling, report at the end
            print(f"  (events API: {error})")
            items = []
        if condition(items) or time.monotonic() > deadline:
            return items
        time.sleep(0.5)


def main():
    results = []

    def check(name, ok, detail=""):
        results.append(bool(ok))
        print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f": {detail}"))

    def console_errors(page):
        errors = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        check(f"no console errors on {page}", not errors, "; ".join(errors))

    def tracker_loaded():
        WebDriverWait(driver, TIMEOUT).until(lambda d: d.execute_script("return !!(window.pitcrew && window.pitcrew.loaded)"))

    scratch = tempfile.TemporaryDirectory(prefix="pitcrew-site.")
    site = serve_site(scratch.name)
    site_url = f"http://127.0.0.1:{SITE_PORT}"
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1200,900"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(f"{site_url}/landing.html?utm_source=newsletter&utm_medium=email&utm_campaign=spring_launch&gclid=abc123")
        tracker_loaded()
        cookie = driver.get_cookie("pitcrew_anonymous_id")
        anonymous_id = cookie and cookie["value"]
        check("anonymous id cookie set", anonymous_id and len(anonymous_id) == 36, str(cookie))
        check("cookie is SameSite=Lax, one year", cookie and cookie.get("sameSite") == "Lax"
              and cookie.get("expiry", 0) > time.time() + 364 * 86400, str(cookie))
        console_errors("landing.html")
        driver.find_element(By.ID, "work-email").send_keys(EMAIL)
        driver.find_element(By.ID, "first").send_keys("Ada")
        driver.find_element(By.ID, "company").send_keys("Acme Robotics")
        driver.find_element(By.ID, "password").send_keys("not collected")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(driver, TIMEOUT).until(lambda d: "thanks.html" in d.current_url)
        tracker_loaded()
        again = driver.get_cookie("pitcrew_anonymous_id")
        check("cookie reused on the next page", again and again["value"] == anonymous_id, str(again))

        def arrived(items):
            kinds = [e["type"] for e in items if e["anonymous_id"] == anonymous_id]
            return kinds.count("page") >= 2 and kinds.count("identify") >= 1 and kinds.count("track") >= 1

        items = poll(arrived)
        mine = [e for e in items if e["anonymous_id"] == anonymous_id]
        by_type = {t: [e for e in mine if e["type"] == t] for t in ("page", "identify", "track")}
        check("events arrived", arrived(items), f"{len(items)} events: {[(e['type'], e['anonymous_id']) for e in items]}")
        check("all events carry the cookie's anonymous id", items and len(mine) == len(items),
              str([e["anonymous_id"] for e in items]))
        check("two page events", len(by_type["page"]) == 2, str(len(by_type["page"])))
        check("one identify event", len(by_type["identify"]) == 1, str(len(by_type["identify"])))
        check("queued track call replayed", [e["name"] for e in by_type["track"]] == ["Landing Viewed"]
              and by_type["track"][0]["properties"].get("plan") == "pro", str(by_type["track"]))
        ids = [e["message_id"] for e in items]
        check("message ids unique", len(ids) == len(set(ids)), str(ids))

        landing = [e for e in by_type["page"] if "landing.html" in (e["properties"] or {}).get("url", "")]
        thanks = [e for e in by_type["page"] if (e["properties"] or {}).get("path") == "/thanks.html"]
        check("landing page view", len(landing) == 1, str([e["properties"] for e in by_type["page"]]))
        check("thanks page view", len(thanks) == 1, str([e["properties"] for e in by_type["page"]]))
        if landing:
            page = landing[0]
            campaign = (page["context"] or {}).get("campaign")
            check("landing campaign from utm parameters",
                  campaign == {"source": "newsletter", "medium": "email", "name": "spring_launch"}, str(campaign))
            check("landing url keeps gclid", "gclid=abc123" in page["properties"]["url"], page["properties"]["url"])
            check("landing title", page["properties"].get("title") == "Acme Spring Launch", str(page["properties"]))
            library = (page["context"] or {}).get("library")
            check("library in context", library == {"name": "pitcrew.js", "version": "1.0.0"}, str(library))
        if thanks:
            check("thanks page has no campaign", "campaign" not in (thanks[0]["context"] or {}), str(thanks[0]["context"]))

        if by_type["identify"]:
            identify = by_type["identify"][0]
            traits = identify["traits"] or {}
            check("identify traits.email is the typed email", traits.get("email") == EMAIL, str(traits))
            check("identify traits normalized", traits.get("first_name") == "Ada" and traits.get("company") == "Acme Robotics",
                  str(traits))
            check("identify never collects passwords", "password" not in traits and "not collected" not in json.dumps(traits),
                  str(traits))
            check("identify has no user id", identify["user_id"] is None, str(identify["user_id"]))

            def stitched(items):
                ours = [e for e in items if e["anonymous_id"] == anonymous_id]
                contact = next((e["contact_id"] for e in ours if e["type"] == "identify"), None)
                return len(ours) >= 4 and contact is not None and all(e["contact_id"] == contact for e in ours)

            items = poll(stitched)
            ours = [e for e in items if e["anonymous_id"] == anonymous_id]
            contact = next((e["contact_id"] for e in ours if e["type"] == "identify"), None)
            check("identify has a contact", contact is not None, str(contact))
            check("all events for the anonymous id stitched to that contact", stitched(items),
                  str([(e["type"], e["contact_id"]) for e in ours]))
        console_errors("thanks.html")
    finally:
        driver.quit()
        site.shutdown()
        scratch.cleanup()
    return results


if __name__ == "__main__":
    outcome = main()
    failed = outcome.count(False)
    print(f"{len(outcome)} checks, {failed} failed")
    sys.exit(1 if failed else 0)
