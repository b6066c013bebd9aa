"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Raw SQL in op.execute. Revision IDs are four digits (--rev-id 0002), so that they sort; bump HEAD
in kiosk/storage/postgres/schema.py with each one. New tables reach the app role through the
default privileges set in 0001; an office-scoped one needs its row-level security policy.
"""
from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
