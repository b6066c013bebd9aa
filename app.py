"""Madoguchi's entry point: `create_app(config=None)`, and `python app.py` to serve with waitress."""
import faulthandler
import logging
import secrets
import signal
import sys
from datetime import datetime
from pathlib import Path

from flask import Flask
from flask_babel import Babel
from werkzeug.middleware.proxy_fix import ProxyFix

from kiosk.cli import register_cli
from kiosk.config import load_settings
from kiosk.domain.calendar import TOKYO
from kiosk.services.office import seed_demo
from kiosk.storage import ServerAlreadyRunning, ServerLock, Store
from kiosk.views import api, health, join, kiosk_api, pwa, staff, staff_settings
from kiosk.views.errors import register_error_handlers
from kiosk.services.rules import with_overrides
from kiosk.web import Madoguchi, install_headers, select_locale

ROOT = Path(__file__).resolve().parent


def _secret(settings) -> str:
    """SECRET_KEY from the environment, else one made once and kept in the data directory."""
    if settings.SECRET_KEY:
        return settings.SECRET_KEY
    path = settings.data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config=None) -> Flask:
    """The application factory; `config` overrides settings (tests pass KIOSK_DATA_DIR and CLOCK)."""
    config = dict(config or {})
    settings = load_settings(config)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__, root_path=str(ROOT), template_folder="pwa/templates",
                static_folder="pwa/static", instance_path=str(settings.data_dir.resolve()))
    secret = _secret(settings)
    app.config.update(
        SECRET_KEY=secret,
        MAX_CONTENT_LENGTH=settings.MAX_BODY_BYTES,
        BABEL_DEFAULT_LOCALE="ja",
        BABEL_DEFAULT_TIMEZONE="Asia/Tokyo",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    store = Store(settings.data_dir)
    clock = config.get("CLOCK") or (lambda: datetime.now(TOKYO))
    demo_code = seed_demo(store, clock()) if settings.DEMO and store.is_new() else None
    app.extensions["madoguchi"] = Madoguchi(with_overrides(settings, store), store, secret, clock, base_settings=settings)
    app.config["DEMO_KIOSK_CODE"] = demo_code
    Babel(app, locale_selector=select_locale)
    if settings.TRUST_PROXY:
        n = settings.TRUST_PROXY
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_prefix=n)
    app.register_blueprint(health.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(kiosk_api.bp)
    app.register_blueprint(pwa.bp)
    app.register_blueprint(join.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(staff_settings.bp)
    register_error_handlers(app)
    install_headers(app)
    register_cli(app)
    return app


def main() -> None:
    """Serve with waitress; refuse to start when another server uses the same data directory."""
    import waitress

    from kiosk.sweeper import start_sweeper

    faulthandler.register(signal.SIGUSR1)  # `kill -USR1 <pid>` prints every thread's stack to the log
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock = ServerLock(settings.data_dir)
    try:
        lock.acquire()
    except ServerAlreadyRunning as err:
        print(f"madoguchi: {err}", file=sys.stderr)
        sys.exit(1)
    app = create_app()
    app.extensions["madoguchi"].store.remove_stale_temp_files()
    start_sweeper(app)
    url = f"http://{settings.HOST}:{settings.PORT}"
    print(f"Madoguchi serving {url}/ (data in {settings.data_dir.resolve()})", flush=True)
    if app.config["DEMO_KIOSK_CODE"]:
        print(f"Demo office: open {url}/kiosk and enroll with the code {app.config['DEMO_KIOSK_CODE']} "
              f"(valid 24 h; later codes: flask --app app kiosk enroll NAME), or book as a phone at {url}/book", flush=True)
    waitress.serve(app, host=settings.HOST, port=settings.PORT, threads=settings.THREADS, ident="madoguchi")


if __name__ == "__main__":
    main()
