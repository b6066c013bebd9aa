"""Madoguchi's entry point: `create_app(config=None)`, and `python app.py` to serve with waitress."""
import atexit
import faulthandler
import gc
import logging
import secrets
import signal
import sys
from datetime import datetime
from pathlib import Path

from flask import Flask
from flask_babel import Babel

from kiosk.cli import register_cli
from kiosk.config import load_settings
from kiosk.domain.calendar import TOKYO
from kiosk import staff
from kiosk.views import api, health, join, kiosk_api, pwa
from kiosk.views.errors import register_error_handlers
from kiosk.web import FastJSON, Madoguchi, install_headers, install_offices, select_locale

ROOT = Path(__file__).resolve().parent


class Lazy(Madoguchi):
    """The app's state, whose storage (and the secret kept beside it) opens at first use: `--help`
    and `translate` touch no data. `close()` lets go; the next use opens it again."""

    def __init__(self, settings, clock, secret=None):
        self._backend, self._secret = None, secret
        super().__init__(settings, None, None, clock)

    @property
    def backend(self):
        if self._backend is None:
            from kiosk.storage import open_backend
            self._backend = open_backend(self.settings)
        return self._backend

    @backend.setter
    def backend(self, value):
        self._backend = value

    @property
    def secret(self) -> str:
        """SECRET_KEY from the environment, else one made once and kept in the data directory (on
        PostgreSQL in the database, so that every server process signs with the same one)."""
        if self._secret is None:
            self._secret = self.settings.SECRET_KEY or (
                self.backend.shared_secret() if self.settings.DATABASE_URL else _kept_secret(self.settings.data_dir))
        return self._secret

    @secret.setter
    def secret(self, value):
        self._secret = value or self._secret

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()


def _kept_secret(data_dir: Path) -> str:
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config=None) -> Flask:
    """The application factory; `config` overrides settings (tests pass KIOSK_DATA_DIR and CLOCK)."""
    config = dict(config or {})
    settings = load_settings(config)
    app = Flask(__name__, root_path=str(ROOT), template_folder="pwa/templates",
                static_folder="pwa/static", instance_path=str(settings.data_dir.resolve()))
    app.config.update(
        MAX_CONTENT_LENGTH=settings.MAX_BODY_BYTES,
        BABEL_DEFAULT_LOCALE="ja",
        BABEL_DEFAULT_TIMEZONE="Asia/Tokyo",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
    )
    app.json = FastJSON(app)
    clock = config.get("CLOCK") or (lambda: datetime.now(TOKYO))
    app.extensions["madoguchi"] = Lazy(settings, clock)
    Babel(app, locale_selector=select_locale)
    app.register_blueprint(health.bp)
    for blueprint in (api.bp, kiosk_api.bp, pwa.bp, join.bp, staff.bp):
        app.register_blueprint(blueprint)                                   # the default office, as always
        app.register_blueprint(blueprint, name=f"o_{blueprint.name}",        # any office: /o/<slug>/...
                               url_prefix="/o/<office>" + (blueprint.url_prefix or ""))
    install_offices(app)
    register_error_handlers(app)
    install_headers(app)
    register_cli(app)
    return app


def _serve(app, settings) -> None:
    """Waitress until SIGTERM or SIGINT; then the requests in progress finish and the store closes."""
    import waitress.server

    proxies = {}
    if settings.TRUST_PROXY:
        proxies = dict(trusted_proxy=settings.TRUST_PROXY_FROM, trusted_proxy_count=settings.TRUST_PROXY,
                       trusted_proxy_headers={"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
                                              "x-forwarded-port"}, clear_untrusted_proxy_headers=True)
    server = waitress.server.create_server(app, host=settings.HOST, port=settings.PORT, threads=settings.THREADS,
                                           connection_limit=settings.CONNECTION_LIMIT, ident="madoguchi", **proxies)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.run()
    except SystemExit:
        pass
    finally:
        server.close()
        server.task_dispatcher.shutdown(timeout=10)


def _lock_data_directory(settings):
    """TinyDB: one server per data directory. PostgreSQL needs neither the directory nor the lock:
    several servers share the database."""
    from kiosk.storage import ServerAlreadyRunning, ServerLock
    from kiosk.storage.tinydb import check_usable

    if settings.DATABASE_URL:
        return None
    check_usable(settings.data_dir)
    lock = ServerLock(settings.data_dir)
    try:
        lock.acquire()
    except ServerAlreadyRunning as err:
        print(f"madoguchi: {err}", file=sys.stderr)
        sys.exit(1)
    return lock


def main() -> None:
    """Serve with waitress; refuse to start when another server uses the same data directory."""
    from kiosk.services.office import seed_demo
    from kiosk.sweeper import start_sweeper

    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints every thread's stack to the log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    lock = _lock_data_directory(settings)
    app = create_app()
    state = app.extensions["madoguchi"]
    backend = state.backend
    atexit.register(state.close)
    with backend.cluster_job("seed-demo") as mine:   # servers starting together seed once
        demo_code = seed_demo(backend.office(), state.now()) if mine and settings.DEMO and backend.is_new() else None
    if backend.kind == "tinydb":
        backend.start_background()
    start_sweeper(app)
    url = f"http://{settings.HOST}:{settings.PORT}"
    where = "a PostgreSQL database" if settings.DATABASE_URL else settings.data_dir.resolve()
    print(f"Madoguchi serving {url}/ (data in {where})", flush=True)
    if demo_code:
        print(f"Demo office: open {url}/kiosk and enroll with the code {demo_code} "
              f"(valid 24 h; later codes: flask --app app kiosk enroll NAME), or book as a phone at {url}/book", flush=True)
    gc.collect()
    gc.freeze()   # the app's own ~60,000 objects out of the collector's sight: each full collection took 50 ms
    try:
        _serve(app, settings)
    finally:
        state.close()
        if lock is not None:
            lock.release()


if __name__ == "__main__":
    main()
