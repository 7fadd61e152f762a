"""Load reproduction for issue 8: N headless Chromium sessions open the video editor at once, type into
Description straight away and press Save; every save is read back from the database.

    .venv/bin/python tools/typing_load.py --sessions 5 --rounds 8
    .venv/bin/python tools/typing_load.py --sessions 10 --root /tmp/before   # another checkout, e.g. the old code
    .venv/bin/python tools/typing_load.py --sessions 5 --latency 1           # websocket 1 s slow, as under load

It serves the console of `--root` (default: this checkout) on a free port with a fresh SQLite database and the
demo seed, creates one admin per session, and prints one line per session count: saves, how many stored what
was typed, how many were lost, how many of those the page still called "Saved.", and page reloads seen.
`--latency` puts tests/ui/latency_proxy.py between the browsers and the server: what a browser sends on its
websocket arrives that many seconds late, so pages are typed into before they connect, on any machine.
Needs chromium and chromedriver (Debian: apt-get install chromium chromium-driver).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from console.devprocs import free_port, stop
from tests.ui.latency_proxy import LatencyProxy

PASSWORD = "load test passphrase 1"
OUTCOMES = ("Saved.", "Nothing to save", "changed by", "Your session has ended")


@dataclass
class Tally:
    saves: int = 0
    stored: int = 0
    lost: int = 0
    lost_but_saved: int = 0  # the page said "Saved." and the typed text is not stored
    no_answer: int = 0
    reloads: int = 0
    typed_before_connected: int = 0
    recovered: int = 0  # lost at first, then stored after the reloaded page offered the draft back
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)


def serve(root: Path, data: Path, sessions: int) -> tuple[subprocess.Popen[bytes], str, str]:
    port = free_port()
    url = f"sqlite:///{data / 'console.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONSOLE_", "NICEGUI_"))}
    env |= {"CONSOLE_DATA_DIR": str(data), "CONSOLE_PORT": str(port), "CONSOLE_HOST": "127.0.0.1"}
    env |= {"CONSOLE_DATABASE_URL": url, "CONSOLE_SCHEDULER_SECONDS": "0"}
    for i in range(sessions):
        command = [sys.executable, "-m", "console.cli", "staff", "create", "--email", f"load{i}@test.example"]
        subprocess.run(  # noqa: S603 - our own interpreter and command line
            [*command, "--name", f"Load {i}", "--role", "admin"],
            input=PASSWORD + "\n",
            text=True,
            env=env,
            cwd=root,
            check=True,
            capture_output=True,
        )
    log = open(data / "server.log", "w")  # noqa: SIM115 - open for the server's lifetime
    command = [sys.executable, "-m", "console.cli", "serve"]
    proc = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=log)  # noqa: S603
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc, f"http://127.0.0.1:{port}", url
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the server did not start: " + (data / "server.log").read_text()[-2000:])


def browser(profile: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--window-size=1400,900"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)


def wait(driver: Any, condition: Any, timeout: float = 60.0) -> Any:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=ignored).until(condition)


def body(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "body").text)


def session(
    n: int, urls: tuple[str, str], engine: Any, video_id: int, rounds: int, barrier: threading.Barrier, tally: Tally
) -> None:
    """Sign in at the server itself (`urls[0]`), then open the editor through `urls[1]` (the slow proxy or not):
    the session cookie is the same for both, it is kept per host."""
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    direct, url = urls
    driver = browser(Path(tempfile.mkdtemp(prefix=f"load-chrome-{n}-")))
    try:
        driver.get(direct + "/login")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "input[autocomplete=username]")).send_keys(
            f"load{n}@test.example"
        )
        password = driver.find_element(By.CSS_SELECTOR, "input[autocomplete=current-password]")
        password.send_keys(PASSWORD + Keys.ENTER)
        wait(driver, lambda d: "/login" not in d.current_url)
        xpath = "//label[.//div[contains(@class,'q-field__label')][normalize-space()='Description']]//textarea"
        save_xpath = "//button[.//span[normalize-space()='Save']]"
        for r in range(rounds):
            typed = f"session {n} round {r} at {time.time_ns()}: the text a person typed under load"
            try:
                barrier.wait()  # every session opens its editor at once
            except threading.BrokenBarrierError:
                return
            try:
                driver.get(f"{url}/catalog/{video_id}")
                field = wait(driver, lambda d: d.find_element(By.XPATH, xpath))
                driver.execute_script("window.__same_page = true")
                connected = driver.execute_script("return window.did_handshake === true")
                field.send_keys(Keys.CONTROL, "a")
                field.send_keys(typed)
                button = driver.find_element(By.XPATH, save_xpath)
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
                button.click()
                answer = wait(driver, lambda d: next((m for m in OUTCOMES if m in body(d)), None))
            except (TimeoutException, WebDriverException):
                answer = None
            reloaded = not driver.execute_script("return window.__same_page === true")
            time.sleep(0.5)  # a save that was still on its way
            ok = stored_text(engine, video_id) == typed
            recovered = False
            if not ok and reloaded:  # what a person does next: take the offered unsaved changes back, save
                recovered = restore_and_save(driver, engine, video_id, typed)
            tally.add(
                saves=1,
                stored=int(ok),
                lost=int(not ok),
                lost_but_saved=int(not ok and answer == "Saved."),
                no_answer=int(answer is None),
                reloads=int(reloaded),
                typed_before_connected=int(not connected),
                recovered=int(recovered),
            )
    except Exception:
        barrier.abort()  # the other sessions must not wait for this one
        raise
    finally:
        driver.quit()


def stored_text(engine: Any, video_id: int) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT description FROM videos WHERE id = :id"), {"id": video_id}).scalar()


def restore_and_save(driver: Any, engine: Any, video_id: int, typed: str) -> bool:
    """On a reloaded editor: Restore the offered draft (when the console offers one), Save, read back."""
    from selenium.common.exceptions import TimeoutException, WebDriverException
    from selenium.webdriver.common.by import By

    try:
        wait(driver, lambda d: "You have unsaved changes" in body(d), timeout=30)
        for label in ("Restore", "Save"):
            button = driver.find_element(By.XPATH, f"//button[.//span[normalize-space()='{label}']]")
            driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
            button.click()
        wait(driver, lambda d: "Saved." in body(d), timeout=60)
    except (TimeoutException, WebDriverException):
        return False
    return stored_text(engine, video_id) == typed


def run(root: Path, sessions: int, rounds: int, latency: float) -> Tally:
    data = Path(tempfile.mkdtemp(prefix="typing-load-"))
    proc, url, db_url = serve(root, data, sessions)
    engine = create_engine(db_url)
    proxy = LatencyProxy(int(url.rsplit(":", 1)[1]), latency=latency).__enter__()
    urls = (url, proxy.url if latency > 0 else url)
    try:
        with engine.connect() as conn:
            videos = conn.execute(
                text("SELECT id FROM videos WHERE deleted_at IS NULL AND kind = 'movie' ORDER BY id LIMIT :n"),
                {"n": sessions},
            ).scalars()
            video_ids = list(videos)
        tally = Tally()
        barrier = threading.Barrier(sessions)
        threads = [
            threading.Thread(target=session, args=(i, urls, engine, video_ids[i], rounds, barrier, tally))
            for i in range(sessions)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return tally
    finally:
        proxy.__exit__(None, None, None)
        engine.dispose()
        stop(proc, 30)
        shutil.rmtree(data, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", type=int, nargs="+", default=[5, 10], help="session counts to run (5 10)")
    parser.add_argument("--rounds", type=int, default=6, help="saves per session (6)")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1], help="checkout to serve")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each browser's websocket (0)")
    args = parser.parse_args()
    print(f"serving {args.root}" + (f" with {args.latency:g} s websocket latency" if args.latency else ""))
    for n in args.sessions:
        started = time.monotonic()
        t = run(args.root.resolve(), n, args.rounds, args.latency)
        print(
            f"N={n}: {t.saves} saves, {t.stored} stored as typed, {t.lost} lost "
            f"({t.lost_but_saved} of them answered 'Saved.'), {t.no_answer} without an answer, {t.reloads} reloads, "
            f"{t.typed_before_connected} typed before the page connected, {t.recovered} lost ones restored from "
            f"the offered draft and saved ({time.monotonic() - started:.0f} s)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
