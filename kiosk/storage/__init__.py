"""Storage: the contract (contract.py) and its backends; the only package that imports tinydb or psycopg.

`open_backend(settings)` picks the backend: PostgreSQL when DATABASE_URL is set, else the TinyDB
data directory KIOSK_DATA_DIR.
"""
from ..domain.offices import Office
from .errors import DatabaseUnusable, DataDirectoryUnusable, OfficeUnknown, StorageUnavailable, TransactionConflict
from .tinydb.locks import ServerAlreadyRunning, ServerLock

__all__ = ["open_backend", "default_office", "ServerLock", "ServerAlreadyRunning", "StorageUnavailable",
           "TransactionConflict", "OfficeUnknown", "DataDirectoryUnusable", "DatabaseUnusable"]


def default_office(settings) -> Office:
    """The office the unprefixed URLs and the CLI's default `--office` serve, named by the settings."""
    return Office(slug=settings.DEFAULT_OFFICE, name=settings.OFFICE_NAME, name_en=settings.OFFICE_NAME_EN,
                  phone=settings.OFFICE_PHONE)


def open_backend(settings):
    if settings.DATABASE_URL:
        from .postgres import PostgresBackend
        # A connection for each server thread, and a few for the sweeper, health checks and rate limits.
        return PostgresBackend(settings.DATABASE_URL, default_office(settings), max_connections=settings.THREADS + 4)
    from .tinydb import TinyBackend
    return TinyBackend(settings.data_dir, default_office(settings))
