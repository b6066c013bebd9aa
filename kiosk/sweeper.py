"""The in-server sweeper thread: marks no-shows every SWEEP_INTERVAL_SECONDS, and once a day
purges personal data past the retention period."""
import logging
import threading

from .domain.calendar import tokyo
from .services.retention import purge_personal_data
from .services.sweep import sweep_no_shows

log = logging.getLogger("madoguchi.sweeper")


def start_sweeper(app) -> threading.Thread:
    state = app.extensions["madoguchi"]
    stop = threading.Event()

    purged_on = None

    def loop():
        nonlocal purged_on
        while not stop.wait(state.settings.SWEEP_INTERVAL_SECONDS):
            try:
                swept = sweep_no_shows(state.store, state.settings, state.now())
                state.last_sweep = (state.now(), len(swept))   # shown on the console's day list
                if swept:
                    log.info("marked %d booking(s) as no-show", len(swept))
                today = tokyo(state.now()).date()
                if purged_on != today:
                    result = purge_personal_data(state.store, state.settings, state.now())
                    purged_on = today
                    if result["purged"]:
                        log.info("purged personal data of %d booking(s) before %s", result["purged"], result["before"])
            except Exception:  # keep sweeping; the next round retries
                log.exception("sweep failed")

    thread = threading.Thread(target=loop, name="no-show-sweeper", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
