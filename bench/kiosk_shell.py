"""The kiosk shell in Chromium: bytes on the first load and on an offline reload, and the time
from navigation until the start screen is usable, online and offline, measured in one run.

Targets (issue: the kiosk): first load under 300 KB; offline reload usable in under 1 s.

Bytes are counted where they leave the server (a WSGI wrapper sums every response body), so the
service worker's own precache requests and the kiosk's API calls are included. Run from the
repository root:  .venv/bin/python bench/kiosk_shell.py [--check]
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import WSGIRequestHandler, make_server  # noqa: E402

from app import create_app  # noqa: E402
from kiosk.services import kiosks as kiosk_service  # noqa: E402
from kiosk.services import office as office_service  # noqa: E402
from tests.factories import NOW  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
START = 'section[data-screen="start"]:not([hidden])'
RUNS = 5


class Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class ByteCounter:
    """WSGI middleware: the bytes of every response body the server sends."""

    def __init__(self, app):
        self.app, self.bytes, self.lock = app, 0, threading.Lock()

    def __call__(self, environ, start_response):
        for chunk in self.app(environ, start_response):
            with self.lock:
                self.bytes += len(chunk)
            yield chunk


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"KIOSK_DATA_DIR": tmp, "DEMO": False, "SECRET_KEY": "bench"})
        store = app.extensions["madoguchi"].store
        office_service.add_room(store, NOW, "bench", "zoom", "84500000001")
        counter = ByteCounter(app)
        http = make_server("localhost", 0, counter, threaded=True, request_handler=Quiet)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        url = f"http://localhost:{http.server_port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            context = browser.new_context(service_workers="allow", base_url=url)
            page = context.new_page()
            started = time.perf_counter()
            page.goto("/kiosk")
            page.wait_for_selector('section[data-screen="setup"]:not([hidden])')
            first_usable = time.perf_counter() - started
            page.wait_for_function("navigator.serviceWorker.controller !== null || new Promise((r) => setTimeout(() => r(false), 100))")
            page.wait_for_timeout(1500)                      # let the service worker finish precaching
            first_bytes = counter.bytes
            code = kiosk_service.enroll(store, NOW, "bench", "bench")["code"]
            page.fill("#setup-code", code)
            page.click("#setup-form button[type=submit]")
            page.wait_for_selector(START)
            page.wait_for_function("navigator.serviceWorker.controller !== null")

            def reload_times(offline):
                context.set_offline(offline)
                times, sizes = [], []
                for _ in range(RUNS):
                    before = counter.bytes
                    started = time.perf_counter()
                    page.reload()
                    page.wait_for_selector(START)
                    times.append(time.perf_counter() - started)
                    page.wait_for_timeout(200)
                    sizes.append(counter.bytes - before)
                context.set_offline(False)
                return statistics.median(times), statistics.median(sizes)

            online_time, online_bytes = reload_times(False)
            offline_time, offline_bytes = reload_times(True)
            browser.close()
        http.shutdown()
    print(f"first load (setup screen usable): {first_usable * 1000:6.0f} ms, {first_bytes / 1024:6.1f} KB transferred "
          f"(page, service-worker precache)")
    print(f"reload online  (start screen usable, median of {RUNS}): {online_time * 1000:6.0f} ms, {online_bytes / 1024:6.1f} KB "
          "(shell from the cache; the kiosk's state, terms and sync from the network)")
    print(f"reload offline (start screen usable, median of {RUNS}): {offline_time * 1000:6.0f} ms, {offline_bytes / 1024:6.1f} KB")
    ok_bytes, ok_offline = first_bytes < 300 * 1024, offline_time < 1.0
    print(f"target first load < 300 KB: {'PASS' if ok_bytes else 'FAIL'}")
    print(f"target offline reload usable < 1 s: {'PASS' if ok_offline else 'FAIL'}")
    return 1 if args.check and not (ok_bytes and ok_offline) else 0


if __name__ == "__main__":
    sys.exit(main())
