"""What the TinyDB store reports to /healthz: whether commits reach the disk, whether checkpoints
do, and what was set aside. Read without any lock (each field is one reference)."""
import errno
import time

REASONS = {errno.ENOSPC: "disk-full", errno.EDQUOT: "disk-full", errno.EFBIG: "disk-full",
           errno.EROFS: "read-only", errno.EACCES: "read-only", errno.EPERM: "read-only", errno.EIO: "io-error"}


def reason_of(err: OSError) -> str:
    return REASONS.get(getattr(err, "errno", None), "unavailable")


class StorageStatus:
    def __init__(self):
        self.state = "ok"              # ok | disk-full | read-only | io-error | unavailable
        self.since = None
        self.last_error = None
        self.checkpoint_failures = 0   # in a row
        self.checkpoints = 0
        self.torn = ()                 # files where torn lines were set aside

    def fault(self, where: str, err: OSError) -> None:
        if self.state == "ok":
            self.since = time.time()
        self.state = reason_of(err)
        self.last_error = f"{where}: {err.strerror or err}"

    def ok(self) -> None:
        if self.state != "ok":
            self.state, self.since = "ok", None

    def checkpoint_failed(self, err: OSError) -> None:
        self.checkpoint_failures += 1
        self.last_error = f"checkpoint: {err.strerror or err}"

    def checkpointed(self) -> None:
        self.checkpoint_failures = 0
        self.checkpoints += 1

    @property
    def healthy(self) -> bool:
        return self.state == "ok" and not self.checkpoint_failures

    def as_dict(self) -> dict:
        state = self.state if self.state != "ok" else ("checkpoint-failing" if self.checkpoint_failures else "ok")
        return {"state": state, "since": self.since, "last_error": self.last_error,
                "checkpoint_failures": self.checkpoint_failures, "set_aside": list(self.torn)}
