"""Each office's setup version: rooms, closures, terms and rules changed move it, in the same transaction.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Every booking reads the office's rooms, closures, terms in force and rules, which change a few times
a year. A server process keeps them (setup.py) and asks only for this number: a row trigger on each
of those tables (on `meta`, its `rules` row) gives the office a new one with every insert, update
and delete, whoever makes it (the app, an import, psql), and the change and its number commit or
roll back together. Numbers come from a sequence, which never hands one out twice (not after a
rollback, and, started from the clock, not after a downgrade and upgrade either): a number a process
kept can name one committed setup only. The trigger runs as whoever changes the table (a superuser's
psql edit included); the app role may not delete a number.
"""
import time

from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SETUP_TABLES = ("rooms", "closures", "terms", "meta")
OFFICE_SET = "office_id = nullif(current_setting('madoguchi.office', true), '')::integer"

UP = """
CREATE SEQUENCE setup_version_numbers START WITH {start};
CREATE TABLE setup_versions (
    office_id integer PRIMARY KEY REFERENCES offices (id),
    version bigint NOT NULL
);
CREATE FUNCTION madoguchi_setup_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed record;
BEGIN
    IF TG_OP = 'DELETE' THEN changed := OLD; ELSE changed := NEW; END IF;
    IF TG_TABLE_NAME = 'meta' THEN
        IF changed.key <> 'rules' THEN
            RETURN NULL;      -- the other settings (seeded, purged_before) are not kept by processes
        END IF;
    END IF;
    INSERT INTO setup_versions (office_id, version) VALUES (changed.office_id, nextval('setup_version_numbers'))
        ON CONFLICT (office_id) DO UPDATE SET version = EXCLUDED.version;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    bind = op.get_bind()
    op.execute(UP.format(start=int(time.time() * 1000)))
    for table in SETUP_TABLES:
        op.execute(f"CREATE TRIGGER {table}_setup_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION madoguchi_setup_changed()")
    op.execute("ALTER TABLE setup_versions ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE setup_versions FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY office_only ON setup_versions USING ({OFFICE_SET}) WITH CHECK ({OFFICE_SET})")
    app_role = context.config.attributes.get("app_role")
    if app_role:
        role = bind.dialect.identifier_preparer.quote(app_role)
        op.execute(f"GRANT SELECT, INSERT, UPDATE ON setup_versions TO {role}")
        op.execute(f"REVOKE DELETE ON setup_versions FROM {role}")
        op.execute(f"GRANT USAGE ON SEQUENCE setup_version_numbers TO {role}")


def downgrade() -> None:
    for table in SETUP_TABLES:
        op.execute(f"DROP TRIGGER {table}_setup_changed ON {table}")
    op.execute("DROP TABLE setup_versions")
    op.execute("DROP FUNCTION madoguchi_setup_changed()")
    op.execute("DROP SEQUENCE setup_version_numbers")
