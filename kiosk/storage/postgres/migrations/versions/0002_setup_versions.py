"""Each office's setup version: rooms, closures, terms and settings changed move it, in the same transaction.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

Every booking reads the office's rooms, closures, terms in force and rules, which change a few times
a year. A server process keeps them (setup.py) and asks only for this number: a row trigger on each
of those tables moves it with every insert, update and delete, whoever makes it (the app, an import,
psql), and the change and the new number commit or roll back together.
"""
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SETUP_TABLES = ("rooms", "closures", "terms", "meta")
OFFICE_SET = "office_id = nullif(current_setting('madoguchi.office', true), '')::integer"

UP = """
CREATE TABLE setup_versions (
    office_id integer PRIMARY KEY REFERENCES offices (id),
    version bigint NOT NULL
);
CREATE FUNCTION madoguchi_setup_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    office integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.office_id ELSE NEW.office_id END;
BEGIN
    INSERT INTO setup_versions (office_id, version) VALUES (office, 1)
        ON CONFLICT (office_id) DO UPDATE SET version = setup_versions.version + 1;
    IF TG_OP = 'UPDATE' AND OLD.office_id <> NEW.office_id THEN
        INSERT INTO setup_versions (office_id, version) VALUES (OLD.office_id, 1)
            ON CONFLICT (office_id) DO UPDATE SET version = setup_versions.version + 1;
    END IF;
    RETURN NULL;
END $$;
"""


def upgrade() -> None:
    op.execute(UP)
    for table in SETUP_TABLES:
        op.execute(f"CREATE TRIGGER {table}_setup_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION madoguchi_setup_changed()")
    op.execute("ALTER TABLE setup_versions ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE setup_versions FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY office_only ON setup_versions USING ({OFFICE_SET}) WITH CHECK ({OFFICE_SET})")
    app_role = context.config.attributes.get("app_role")
    if app_role:
        role = op.get_bind().dialect.identifier_preparer.quote(app_role)
        op.execute(f"GRANT SELECT, INSERT, UPDATE ON setup_versions TO {role}")


def downgrade() -> None:
    for table in SETUP_TABLES:
        op.execute(f"DROP TRIGGER {table}_setup_changed ON {table}")
    op.execute("DROP TABLE setup_versions")
    op.execute("DROP FUNCTION madoguchi_setup_changed()")
