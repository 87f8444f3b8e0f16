"""Visits every Pitcrew page in headless Chromium as the demo user; fails on HTTP errors and console errors."""
import os
import re
import sys
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

BASE, OUT = sys.argv[1], sys.argv[2]
PAGES = [
    "/", "/campaigns", "/analytics", "/analytics?model=shapley&dimension=campaign", "/analytics/funnel",
    "/analytics/funnel?steps=event:Page%20Viewed,event:Email%20Clicked,event:Webinar%20Attended", "/settings/members", "/settings/tokens",
    "/data/sources", "/data/events", "/data/contacts", "/data/imports", "/data/settings",
    "/martech", "/martech/tools", "/martech/map", "/martech/renewals", "/martech/reviews", "FIRST_TOOL",
    *[f"/areas/{area}" for area in ["martech", "enablement", "pmo", "planning", "ai", "analytics", "budgeting", "data"]],
]


def status_of(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main():
    os.makedirs(OUT, exist_ok=True)
    options = webdriver.ChromeOptions()
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]:
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    failures = []
    try:
        driver.get(BASE + "/login")
        driver.save_screenshot(os.path.join(OUT, "login.png"))
        driver.find_element(By.ID, "email").send_keys("demo@pitcrew.local")
        driver.find_element(By.ID, "password").send_keys("pitcrew-demo")
        driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        session = driver.get_cookie("pitcrew_session")
        if not session:
            failures.append("sign-in did not set a session cookie")
            return failures
        cookie = f"pitcrew_session={session['value']}"
        for path in PAGES:
            if path == "FIRST_TOOL":  # the page of the first tool listed
                request = urllib.request.Request(BASE + "/martech/tools", headers={"Cookie": cookie})
                with urllib.request.urlopen(request) as response:
                    path = re.search(r'href="(/martech/tools/[0-9a-f-]+)"', response.read().decode()).group(1)
            status = status_of(BASE + path, cookie)
            driver.get(BASE + path)
            name = "home" if path == "/" else "martech-tool" if path.startswith("/martech/tools/") else re.sub(r"[^A-Za-z0-9]+", "-", path.strip("/")).strip("-")
            driver.save_screenshot(os.path.join(OUT, f"{name}.png"))
            errors = [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
            print(f"{status} {path} console_errors={len(errors)}")
            if status >= 400:
                failures.append(f"{path}: HTTP {status}")
            failures += [f"{path}: console: {message}" for message in errors]
    finally:
        driver.quit()
    return failures


if __name__ == "__main__":
    problems = main()
    for problem in problems:
        print("FAIL", problem)
    print(f"{len(PAGES) + 1} pages checked, {len(problems)} problems; screenshots in {OUT}/")
    sys.exit(1 if problems else 0)
