"""Run `python app.py` as a real server process, the way an office runs it."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data_dir, port=None, wait=True, **env):
    """Start `python app.py`; its output goes to a log file beside the data directory (`proc.log`)."""
    port = port or free_port()
    environ = dict(os.environ, KIOSK_DATA_DIR=str(data_dir), PORT=str(port), HOST="127.0.0.1",
                   SECRET_KEY="test-secret", **{k: str(v) for k, v in env.items()})
    log = Path(data_dir).parent / f"server-{port}-{time.monotonic_ns()}.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT)
    proc.log = log
    proc.url = f"http://127.0.0.1:{port}"
    if wait:
        wait_until_up(proc)
    return proc


def wait_until_up(proc, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.log.read_text()}")
        try:
            if requests.get(proc.url + "/healthz", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise TimeoutError("server did not come up")


def stop(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
