"""The in-server sweeper thread: marks no-shows every SWEEP_INTERVAL_SECONDS, and once a day
purges personal data past the retention period."""
import logging
import threading

from .domain.calendar import tokyo
from .services.policy import policy_of
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
                slugs = [o.slug for o in state.backend.offices()]
            except Exception:  # noqa: BLE001 (the storage may be failing: the next round retries)
                log.exception("sweep: the offices could not be read")
                continue
            for slug in slugs:
                try:
                    purged_on = _round(state, slug, purged_on)
                except Exception:  # noqa: BLE001 (keep sweeping; the next round retries)
                    log.exception("sweep failed for office %s", slug)

    thread = threading.Thread(target=loop, name="no-show-sweeper", daemon=True)
    thread.stop = stop
    thread.start()
    return thread


def _round(state, slug: str, purged_on):
    """One office's no-show sweep, and once a day its retention purge; each once across the cluster."""
    store = state.backend.office(slug)
    policy = policy_of(store, state.settings)
    with state.backend.cluster_job(f"sweep:{slug}") as mine:
        if mine:
            swept = sweep_no_shows(store, policy, state.now())
            state.last_sweep = (state.now(), len(swept))   # shown on the console's day list
            if swept:
                log.info("%s: marked %d booking(s) as no-show", slug, len(swept))
    today = tokyo(state.now()).date()
    if (purged_on or {}).get(slug) != today:
        with state.backend.cluster_job(f"purge:{slug}") as mine:
            if mine:
                result = purge_personal_data(store, policy, state.now())
                if result["purged"]:
                    log.info("%s: purged personal data of %d booking(s) before %s", slug, result["purged"], result["before"])
        purged_on = dict(purged_on or {}, **{slug: today})
    return purged_on
