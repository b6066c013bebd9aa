"""Faults for a real server process: an LD_PRELOAD shim (faultfs.c) and the kernel's RLIMIT_FSIZE."""
import subprocess
from pathlib import Path

SOURCE = Path(__file__).with_name("faultfs.c")


def build_shim(folder: Path) -> Path:
    """Compile faultfs.c into `folder` (gcc is part of the machine; `make test` installs nothing for it)."""
    library = folder / "faultfs.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", str(library), str(SOURCE), "-ldl"], check=True)
    return library
