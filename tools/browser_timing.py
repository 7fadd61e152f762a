"""What a person waits for when a page opens, in headless Chromium against a running console: the response's end,
DOMContentLoaded, the frame's header drawn, the socket connected and a chosen part drawn (ms from navigation start,
medians over the runs). The server-side page-open bench stops at the first answer; this says when the part a person
came for is on screen (parts drawn once the socket connects arrive after it).

    .venv/bin/python tools/browser_timing.py --base http://localhost:8080 --email E --password P \
        --runs 20 /compliance/records/1 --label "Legal first name"
    ... /catalog --css ".console-table tbody tr td"

`--label` waits for a field with that label, `--css` for an element matching the selector. Needs Debian's
chromium and chromium-driver (as the real-browser tests do).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from console.devprocs import CHROMIUM_FLAGS

OBSERVER = """
window.__m = {};
const want = %s;
const mark = () => {
  const m = window.__m;
  if (!m.header && document.querySelector('.console-header')) m.header = performance.now();
  if (m.part) return;
  if (want.css && document.querySelector(want.css)) m.part = performance.now();
  if (want.label) for (const el of document.querySelectorAll('.q-field__label'))
    if (el.textContent.includes(want.label)) { m.part = performance.now(); break; }
};
new MutationObserver(mark).observe(document, {subtree: true, childList: true});
const poll = setInterval(() => {
  if (window.socket && window.socket.connected) { window.__m.socket = performance.now(); clearInterval(poll); }
}, 1);
document.addEventListener('DOMContentLoaded', () => { window.__m.dcl = performance.now(); });
"""


def driver() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in (*CHROMIUM_FLAGS, "--window-size=1366,900"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(d: Any, base: str, email: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    d.get(f"{base}/login")
    time.sleep(2)
    d.find_element(By.CSS_SELECTOR, "input[autocomplete=username]").send_keys(email)
    field = d.find_element(By.CSS_SELECTOR, "input[autocomplete=current-password]")
    field.send_keys(password)
    field.send_keys("\n")
    time.sleep(3)


def measure(d: Any, url: str, runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {}
    for run in range(runs + 2):  # two warm-up opens (the browser's cache)
        d.get(url)
        marks: dict[str, float] = {}
        for _ in range(200):
            marks = d.execute_script("return window.__m") or {}
            if marks.get("part") and marks.get("socket"):
                break
            time.sleep(0.05)
        marks["response_end"] = d.execute_script("return performance.getEntriesByType('navigation')[0].responseEnd")
        if run >= 2:
            for key, value in marks.items():
                samples.setdefault(key, []).append(float(value))
    return {key: round(statistics.median(values), 1) for key, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path")
    parser.add_argument("--base", default="http://localhost:8080")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--label", help="wait for the field with this label")
    parser.add_argument("--css", help="wait for an element matching this selector")
    args = parser.parse_args()
    d = driver()
    try:
        sign_in(d, args.base, args.email, args.password)
        d.execute_cdp_cmd(
            "Page.addScriptToEvaluateOnNewDocument",
            {"source": OBSERVER % json.dumps({"label": args.label, "css": args.css})},
        )
        found = measure(d, args.base + args.path, args.runs)
    finally:
        d.quit()
    order = ("response_end", "dcl", "header", "socket", "part")
    print(f"{args.path} (median of {args.runs} opens, ms from navigation start)")
    for key in order:
        print(f"  {key:<13}{found.get(key, float('nan')):>8.1f}")


if __name__ == "__main__":
    main()
