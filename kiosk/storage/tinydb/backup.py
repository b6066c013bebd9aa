"""A consistent copy of a data directory while the server runs, without stalling it.

Data files are written only by checkpoints, and journal files only grow until a checkpoint deletes
them. So, holding the checkpoint lock, the files cannot change: the copy takes them one by one
without the storage lock, and each journal file up to the size it had when its lines were all
durable (read in a moment under the storage lock). Then the copy is opened as a store and
checkpointed, so it is clean: its journal is replayed into its files.
"""
import os
import shutil
from pathlib import Path

SKIP = {".storage.lock", ".server.lock", ".checkpoint.lock"}


def _files(root: Path):
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name in SKIP or name.startswith("."):
                continue
            path = Path(folder) / name
            yield path, path.relative_to(root)


def backup(engine, dest: Path) -> list[str]:
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    dest.mkdir(parents=True, exist_ok=True)
    with engine.checkpointing:
        with engine._locked():   # a moment: what the journal holds is durable when the lock is free
            sizes = {engine.journal.path(n).relative_to(engine.dir): engine.journal.path(n).stat().st_size
                     for n in engine.journal.numbers()}
        for path, rel in _files(engine.dir):
            if rel.parts[0] == "journal" and rel not in sizes and not rel.name.startswith("torn-"):
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel in sizes:
                with open(path, "rb") as src, open(target, "wb") as out:
                    out.write(src.read(sizes[rel]))
            else:
                shutil.copyfile(path, target)
    _make_clean(dest)
    return sorted(rel.as_posix() for _, rel in _files(dest))


def _make_clean(dest: Path) -> None:
    from .engine import Engine
    from .health import StorageStatus
    from .layout import key_of
    copy = Engine(dest, key_of, StorageStatus())
    copy.checkpoint()
    copy.close()
