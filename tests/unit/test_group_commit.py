"""Group commit: transactions that end while a commit is being written share the next one."""
import threading

import pytest

from kiosk.storage.commit import CommitFailed, GroupCommit
from kiosk.storage.locks import StorageLock


class Disk:
    """Records what each commit wrote; the first write can be held open."""

    def __init__(self, fail=False):
        self.batches, self.writing, self.release, self.fail = [], threading.Event(), threading.Event(), fail
        self.discarded = False

    def commit(self):
        return GroupCommit(lambda storages: sorted(storages), self.write, lambda written: None, self.discard)

    def write(self, snapshot):
        if self.fail:
            raise OSError("disk full")
        self.batches.append(snapshot)
        if len(self.batches) == 1:
            self.writing.set()
            self.release.wait(5)
        return snapshot

    def discard(self):
        self.discarded = True


def transaction(lock, commit, name):
    with lock.held():
        commit.mark(name)
        epoch = commit.pending_epoch()
    commit.wait_durable(epoch, lock)


def test_transactions_that_end_while_a_commit_is_written_share_the_next_one(tmp_path):
    lock, disk = StorageLock(tmp_path / ".storage.lock"), Disk()
    commit = disk.commit()
    first = threading.Thread(target=transaction, args=(lock, commit, "a"))
    first.start()
    assert disk.writing.wait(5)            # "a" is being written, without the lock held...
    others = [threading.Thread(target=transaction, args=(lock, commit, n)) for n in ("b", "c")]
    for t in others:
        t.start()
    for _ in range(500):                   # ...so "b" and "c" change memory meanwhile, and wait
        if len(commit.dirty) == 2:
            break
        threading.Event().wait(0.01)
    assert len(commit.dirty) == 2 and all(t.is_alive() for t in others)
    disk.release.set()
    for t in [first, *others]:
        t.join(5)
    assert disk.batches == [["a"], ["b", "c"]]


def test_a_failed_commit_fails_its_transactions_and_forgets_memory(tmp_path):
    lock, disk = StorageLock(tmp_path / ".storage.lock"), Disk(fail=True)
    commit = disk.commit()
    with pytest.raises(CommitFailed):
        transaction(lock, commit, "a")
    assert disk.discarded and not commit.dirty and not commit.committing


def test_a_reader_during_a_commit_waits_until_what_it_read_is_on_disk(tmp_path):
    lock, disk = StorageLock(tmp_path / ".storage.lock"), Disk()
    commit = disk.commit()
    writer = threading.Thread(target=transaction, args=(lock, commit, "a"))
    writer.start()
    assert disk.writing.wait(5)                      # "a" is in memory, being written
    with lock.held():                                # a read-only transaction (a replayed request)
        epoch = commit.pending_epoch()
    assert epoch is not None
    reader = threading.Thread(target=commit.wait_durable, args=(epoch, lock))
    reader.start()
    reader.join(0.2)
    assert reader.is_alive()                         # it may not answer before "a" is durable
    disk.release.set()
    for t in (writer, reader):
        t.join(5)
    assert not reader.is_alive() and disk.batches == [["a"]]
