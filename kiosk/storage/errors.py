"""What the storage can answer besides data: it is unavailable, a transaction lost a race, no such office."""
from ..domain.errors import DomainError, N_


class StorageUnavailable(DomainError):
    """The data could not be written (disk full, I/O error, read-only): nothing was kept."""

    code, status = "storage_unavailable", 503
    message = N_("We cannot save bookings at the moment. Nothing was changed. Please try again in a few minutes "
                 "or ask the staff at the counter.")


class TransactionConflict(StorageUnavailable):
    """Another transaction won a race for the same rows, again and again (PostgreSQL); retryable."""

    code = "busy"
    message = N_("The office is very busy right now. Nothing was changed. Please try again.")


class OfficeUnknown(DomainError):
    code, status = "office_unknown", 404
    message = N_("There is no office at this address.")


class DataDirectoryUnusable(SystemExit):
    """The data directory cannot be used at all (read-only, not a directory): one clear line."""


class DatabaseUnusable(SystemExit):
    """The database cannot serve this code at all (unreachable at start, its schema behind): one clear line."""
