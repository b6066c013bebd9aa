"""Group commit: the transactions that end while a commit is being written share the next one.

A transaction changes the files' contents in memory under the storage lock and marks them
dirty. When it ends, it waits until a commit has written what it changed (and everything it
may have read from others). The first waiter leads a commit, in three steps:

1. under the storage lock: take the dirty files and encode what changed in them (a consistent
   snapshot), announcing the write to other processes;
2. without the lock: append that as one line to the journal and fsync it (journal.py); now
   and then also a checkpoint, which rewrites the files themselves. Meanwhile the next
   transactions already change memory and queue up for the next commit;
3. under the lock again: record what is now durable, and wake the waiters.

Under load a commit covers many bookings, so the fsync is paid once per batch, not once per
booking; alone, a transaction commits at once. A transaction still returns
(and its response reports success) only after its write is durable. While anything is dirty,
being written or only in the journal, the process keeps the file lock, so another process (a CLI command) never
reads files older than what this process has shown to anyone.
"""
import threading


class CommitFailed(OSError):
    """The commit of a batch failed; the transactions in it are not durable."""


class GroupCommit:
    def __init__(self, snapshot, write, committed, discard):
        """The store's steps: `snapshot(storages)` (locked) -> what to write; `write(it)`
        (unlocked, I/O) -> what was written; `committed(that)` (locked); `discard()` (locked)
        forgets everything in memory after a failed write."""
        self._snapshot, self._write, self._committed, self._discard = snapshot, write, committed, discard
        self._cond = threading.Condition()
        self.dirty = {}          # storage -> None, in the order first changed
        self.committing = False  # a leader is between steps 1 and 3
        self._epoch = 1          # the batch that transactions ending now belong to
        self._in_flight = 0      # the batch being written (between steps 1 and 3)
        self._durable = 0        # every batch up to this one is settled (written, or failed)
        self._failed = set()

    def mark(self, storage) -> None:
        """A file's new content waits in memory (called under the storage lock)."""
        self.dirty[storage] = None

    def write_last(self, storage) -> None:
        """Write `storage` after every other file of its batch (a move's removal from its old
        day must reach the disk after its arrival in the new one)."""
        self.dirty[storage] = self.dirty.pop(storage, None)

    def pending_epoch(self) -> int | None:
        """At a transaction's end, under the storage lock: the batch to wait for, if any. A
        transaction that changed nothing still waits for what it may have read: changes still
        in memory, or a batch being written."""
        if self.dirty:
            return self._epoch
        return self._in_flight if self.committing else None

    def wait_durable(self, epoch: int, storage_lock) -> None:
        """Return once batch `epoch` is on disk; lead a commit if nobody is committing."""
        while True:
            with self._cond:
                while self._durable < epoch and self.committing:
                    self._cond.wait()
                if self._durable >= epoch:
                    if epoch in self._failed:
                        raise CommitFailed("the data could not be written; this request was not kept")
                    return
                self.committing = True
            self._commit(storage_lock)

    def flush(self, storage_lock) -> None:
        """Lead a commit now, even of nothing (the store may have a checkpoint to write)."""
        with storage_lock.held():
            epoch = self._epoch
        self.wait_durable(epoch, storage_lock)

    def _commit(self, storage_lock) -> None:
        with storage_lock.held():
            epoch, batch = self._epoch, list(self.dirty)
            self.dirty, self._epoch, self._in_flight = {}, epoch + 1, epoch
            snapshot = self._snapshot(batch)
        try:
            written, error = self._write(snapshot), None
        except BaseException as err:  # noqa: BLE001 (reported to every waiter of the batch)
            written, error = None, err
        with storage_lock.held():
            if error is None:
                self._committed(written)
                settled = epoch
            else:
                # Memory is forgotten: the batch and every change made since are lost.
                self._discard()
                settled, self.dirty = self._epoch, {}
                self._epoch += 1
                self._failed.update(range(epoch, settled + 1))
            with self._cond:  # before the lock is let go: it keeps the file lock while committing
                self._durable = max(self._durable, settled)
                self.committing = False
                self._cond.notify_all()
