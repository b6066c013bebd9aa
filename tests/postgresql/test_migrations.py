"""Migrations: `flask db upgrade` brings an empty database to the code's schema, `db current` says
where a database is, and a server on a database behind the code refuses to start with one line."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from kiosk.config import load_settings
from kiosk.storage import DatabaseUnusable, open_backend
from kiosk.storage.postgres.migrate import MIGRATIONS
from kiosk.storage.postgres.schema import HEAD
from tests.postgresql.conftest import settings_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database(postgres_cluster):
    database = postgres_cluster.create_database(migrated=False)
    yield database
    postgres_cluster.drop_database(database)


def cli(database, *args):
    app = create_app({"DATABASE_URL": database.app_url, "DATABASE_OWNER_URL": database.owner_url, "DEMO": False})
    return app.test_cli_runner().invoke(args=list(args))


def test_the_code_expects_the_newest_migration(tmp_path):
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_current_head() == HEAD


def test_db_upgrade_on_an_empty_database_brings_it_to_the_codes_revision_and_db_current_says_so(empty_database):
    before = cli(empty_database, "db", "current", "--json")
    assert before.exit_code == 0 and json.loads(before.output) == {"revision": None, "head": HEAD, "state": "behind"}
    upgraded = cli(empty_database, "db", "upgrade")
    assert upgraded.exit_code == 0 and f"now at {HEAD} (current)" in upgraded.output
    after = cli(empty_database, "db", "current")
    assert after.exit_code == 0 and after.output.strip() == f"The database is at {HEAD} (current)."
    again = cli(empty_database, "db", "upgrade")          # nothing left to do
    assert again.exit_code == 0 and f"now at {HEAD}" in again.output


def test_after_db_upgrade_the_app_role_serves(empty_database):
    assert cli(empty_database, "db", "upgrade").exit_code == 0
    result = cli(empty_database, "room", "add", "--app", "zoom", "--meeting-id", "845 1234 5678")
    assert result.exit_code == 0, result.output
    assert "845 1234 5678" in cli(empty_database, "room", "list").output


def test_db_commands_without_a_database_url_say_tinydb_needs_none(tmp_path):
    app = create_app({"KIOSK_DATA_DIR": str(tmp_path / "data"), "DEMO": False})
    result = app.test_cli_runner().invoke(args=["db", "current"])
    assert result.exit_code == 1 and "TinyDB" in result.output and not (tmp_path / "data").exists()


def test_a_store_on_a_database_behind_the_code_is_refused_with_what_to_run(empty_database):
    with pytest.raises(DatabaseUnusable) as refused:
        open_backend(settings_for(empty_database))
    assert "flask --app app db upgrade" in str(refused.value) and "\n" not in str(refused.value)


def test_a_server_on_a_database_behind_the_code_refuses_to_start_with_one_line(empty_database, tmp_path):
    env = dict(os.environ, DATABASE_URL=empty_database.app_url, KIOSK_DATA_DIR=str(tmp_path / "data"), PORT="0")
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().count("\n") == 0 and "db upgrade" in done.stderr
    assert not (tmp_path / "data").exists()          # on PostgreSQL the data directory is not touched


def test_a_server_that_cannot_reach_its_database_says_so_in_one_line(tmp_path):
    url = f"postgresql://madoguchi_app@/nowhere?host={tmp_path}&port=1"
    with pytest.raises(DatabaseUnusable, match="cannot reach the database") as refused:
        open_backend(load_settings({"DATABASE_URL": url}, environ={}))
    assert "\n" not in str(refused.value)
