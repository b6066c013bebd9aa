"""Alembic's environment: online only, on the URL and app role that migrate.py hands over."""
from alembic import context
from sqlalchemy import text

# Two `db upgrade` at once (two servers deployed together) take turns instead of racing.
MIGRATION_LOCK = 0x6D61646F   # "mado"


def run_migrations_online() -> None:
    config = context.config
    engine = config.attributes["engine"]()
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=None, transaction_per_migration=False)
            with context.begin_transaction():
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("madoguchi: migrations run against a database (flask --app app db upgrade), not as SQL.")
run_migrations_online()
