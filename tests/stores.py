"""Opening a data directory's store the way the server does, for tests that need a second view."""
from kiosk.config import load_settings
from kiosk.storage import open_backend as _open


def open_backend(data_dir, **settings):
    """A backend on `data_dir` (TinyDB), configured as the server would be with these settings."""
    return _open(load_settings({"KIOSK_DATA_DIR": str(data_dir), **settings}, environ={}))


def stored_bookings(data_dir, day) -> list:
    """The bookings of `day` as a fresh process reads them through the storage contract."""
    backend = open_backend(data_dir)
    try:
        store = backend.office()
        with store.transaction():
            return store.bookings_on(day)
    finally:
        backend.close()


def bookings_seen_by_another_process(app, day) -> list:
    """The bookings of `day` as another server process on the app's storage reads them (its data
    directory or its database)."""
    backend = _open(app.extensions["madoguchi"].settings)
    try:
        store = backend.office()
        with store.transaction():
            return store.bookings_on(day)
    finally:
        backend.close()


def saved_booking(app, **overrides):
    """A booking (the factory's, with `overrides`) saved in the app's default office, as it stands."""
    from tests.factories import make_booking
    store = app.extensions["madoguchi"].store
    booking = make_booking(**overrides)
    with store.transaction():
        store.save_booking(booking)
    return booking
