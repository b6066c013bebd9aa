"""Storage: the contract (contract.py) and its backends; the only package that imports tinydb or psycopg.

`open_backend(settings)` picks the backend: PostgreSQL when DATABASE_URL is set, else the TinyDB
data directory KIOSK_DATA_DIR.
"""
from ..domain.offices import Office
from .errors import DataDirectoryUnusable, OfficeUnknown, StorageUnavailable, TransactionConflict
from .tinydb.locks import ServerAlreadyRunning, ServerLock

__all__ = ["open_backend", "default_office", "ServerLock", "ServerAlreadyRunning", "StorageUnavailable",
           "TransactionConflict", "OfficeUnknown", "DataDirectoryUnusable"]


def default_office(settings) -> Office:
    """The office the unprefixed URLs and the CLI's default `--office` serve, named by the settings."""
    return Office(slug=settings.DEFAULT_OFFICE, name=settings.OFFICE_NAME, name_en=settings.OFFICE_NAME_EN,
                  phone=settings.OFFICE_PHONE)


def open_backend(settings):
    from .tinydb import TinyBackend
    return TinyBackend(settings.data_dir, default_office(settings))
