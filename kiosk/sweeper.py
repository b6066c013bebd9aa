"""The in-server sweeper thread: marks no-shows every SWEEP_INTERVAL_SECONDS."""
import logging
import threading

from .services.sweep import sweep_no_shows

log = logging.getLogger("madoguchi.sweeper")


def start_sweeper(app) -> threading.Thread:
    state = app.extensions["madoguchi"]
    stop = threading.Event()

    def loop():
        while not stop.wait(state.settings.SWEEP_INTERVAL_SECONDS):
            try:
                swept = sweep_no_shows(state.store, state.settings, state.now())
                if swept:
                    log.info("marked %d booking(s) as no-show", len(swept))
            except Exception:  # keep sweeping; the next round retries
                log.exception("no-show sweep failed")

    thread = threading.Thread(target=loop, name="no-show-sweeper", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
