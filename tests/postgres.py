"""A throwaway PostgreSQL cluster for the test session (Debian's packages), and a fresh database per
test made from a template that already has the migrations applied.

As root (CI, these machines) initdb and the server run as the `postgres` user (PostgreSQL refuses
to run as root); otherwise as the current user. The server listens on a unix socket in its own temp
directory and on 127.0.0.1 at a free port, with fsync off: nothing here outlives the session.
"""
import atexit
import glob
import itertools
import os
import pwd
import queue
import shutil
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

OWNER, APP = "madoguchi_owner", "madoguchi_app"
TEMPLATE = "madoguchi_template"
INSTALL = "PostgreSQL is missing: `make test` installs it (apt-get install postgresql)."


def binaries() -> Path:
    """The server's bin directory: pg_config's, else the newest /usr/lib/postgresql/*/bin."""
    candidates = []
    try:
        candidates.append(Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                              check=True).stdout.strip()))
    except (OSError, subprocess.CalledProcessError):
        pass
    candidates += sorted((Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
                         key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    raise RuntimeError(INSTALL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Database:
    """One database of the cluster: URLs for the app role, the owner and the superuser."""

    name: str
    host: str
    port: int

    def url(self, user: str = APP) -> str:
        return f"postgresql://{user}@/{self.name}?host={self.host}&port={self.port}"

    @property
    def app_url(self) -> str:
        return self.url(APP)

    @property
    def owner_url(self) -> str:
        return self.url(OWNER)

    @property
    def superuser_url(self) -> str:
        return self.url("postgres")


class Cluster:
    def __init__(self, durable: bool = False):
        """`durable`: fsync on, as in production (the benchmarks); the tests run with it off."""
        self.durable = durable
        self.bindir = binaries()
        self.root = Path(tempfile.mkdtemp(prefix="madoguchi-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0
        self._names = itertools.count(1)
        self._started = False
        self._tasks, self._spares = queue.Queue(), queue.Queue()
        self._worker = None
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o700)

    def _run(self, *args) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")

    def start(self) -> "Cluster":
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"\nport = {self.port}\nunix_socket_directories = '{self.root}'\n"
                       "listen_addresses = '127.0.0.1'\nmax_connections = 300\nTimeZone = 'Asia/Tokyo'\n")
            if not self.durable:
                conf.write("fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")
        self._started = True
        atexit.register(self.stop)
        self._prepare_template()
        return self

    def stop(self) -> None:
        if self._started:
            self._started = False
            if self._worker is not None:
                self._tasks.put(None)
                self._worker.join(30)
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            finally:
                shutil.rmtree(self.root, ignore_errors=True)

    def database(self, name: str) -> Database:
        return Database(name, str(self.root), self.port)

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(self.database("postgres").superuser_url, autocommit=True)

    def _prepare_template(self) -> None:
        """The roles a deployment has (README) and a template database at the newest migration."""
        with self.admin() as conn:
            conn.execute(f"CREATE ROLE {OWNER} LOGIN")
            conn.execute(f"CREATE ROLE {APP} LOGIN")
            conn.execute(f"CREATE DATABASE {TEMPLATE} OWNER {OWNER}")
        from kiosk.storage.postgres.migrate import upgrade
        upgrade(self.database(TEMPLATE).owner_url, app_role=APP)

    def create_database(self, migrated: bool = True) -> Database:
        """A new database: a copy of the migrated template, or empty (owned by the owner role). The
        next copy is made in the background while the test runs (a copy takes 50-500 ms here)."""
        if not migrated:
            return self._create(migrated=False)
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="pg-spares", daemon=True)
            self._worker.start()
            self._tasks.put(self._make_spare)
        spare = self._spares.get(timeout=120)
        if isinstance(spare, Exception):
            raise spare
        self._tasks.put(self._make_spare)
        return spare

    def drop_database(self, database: Database) -> None:
        """Dropped in the background too (every connection to it is ended first)."""
        if self._worker is None:
            self._drop(database)
        else:
            self._tasks.put(lambda: self._drop(database))

    def _create(self, migrated: bool) -> Database:
        name = f"test_{os.getpid()}_{next(self._names)}"
        template = sql.SQL(" TEMPLATE {}").format(sql.Identifier(TEMPLATE)) if migrated else sql.SQL("")
        with self.admin() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(OWNER))
                         + template)
        return self.database(name)

    def _drop(self, database: Database) -> None:
        with self.admin() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database.name)))

    def _make_spare(self) -> None:
        try:
            self._spares.put(self._create(migrated=True))
        except Exception as err:  # noqa: BLE001 (handed to the test that waits for the copy)
            self._spares.put(err)

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            task()
