"""Offices and their records: every table keyed by office, row-level security, the schema's own guards.

Revision ID: 0001
Revises:
Create Date: 2026-12-02

Each record is kept whole as jsonb (the domain's to_record()), beside the columns its queries and
guards need. Identifiers and names are COLLATE "C" so that ORDER BY sorts as Python does (by code
point). Every office-scoped row carries `version` (bumped on each write: a write of a record read
earlier in the transaction is conditional on it) and `seq` (insertion order, the last sort key).
"""
from alembic import context, op
from sqlalchemy import text

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ACTIVE = "('confirmed', 'attended')"
ROW = """office_id integer NOT NULL REFERENCES offices (id),
    record jsonb NOT NULL,
    version integer NOT NULL DEFAULT 1,
    seq bigint GENERATED ALWAYS AS IDENTITY"""

OFFICE_TABLES = ("bookings", "receipts", "leases", "dead_letters", "rooms", "closures", "events", "terms",
                 "restrictions", "meta", "kiosks", "staff", "credentials", "staff_links", "sessions", "challenges",
                 "audit_log", "audit_heads")

TABLES = f"""
CREATE TABLE offices (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug text COLLATE "C" NOT NULL UNIQUE,
    name text NOT NULL,
    name_en text NOT NULL DEFAULT '',
    phone text NOT NULL DEFAULT '',
    created_at timestamptz,
    registered boolean NOT NULL DEFAULT true    -- false: the default office, made on first use from the settings
);

CREATE TABLE bookings (
    booking_id text COLLATE "C" NOT NULL,
    start timestamptz NOT NULL,
    day date GENERATED ALWAYS AS ((start AT TIME ZONE 'Asia/Tokyo')::date) STORED,
    room text COLLATE "C",
    status text NOT NULL CHECK (status IN ('confirmed', 'attended', 'cancelled', 'no_show')),
    event_id text COLLATE "C",
    jobseeker_no text COLLATE "C",
    reference text COLLATE "C",
    lease_unit_id text COLLATE "C",
    {ROW},
    PRIMARY KEY (office_id, booking_id)
);
-- Two active bookings can never hold one (slot, room) unit, whatever the application does.
CREATE UNIQUE INDEX bookings_one_per_unit ON bookings (office_id, start, room)
    WHERE status IN {ACTIVE} AND room IS NOT NULL;
CREATE UNIQUE INDEX bookings_reference ON bookings (office_id, reference) WHERE reference IS NOT NULL;
CREATE UNIQUE INDEX bookings_one_per_lease ON bookings (office_id, lease_unit_id) WHERE lease_unit_id IS NOT NULL;
CREATE INDEX bookings_day ON bookings (office_id, day, start);
CREATE INDEX bookings_visitor ON bookings (office_id, jobseeker_no) WHERE jobseeker_no IS NOT NULL;
CREATE INDEX bookings_event ON bookings (office_id, event_id) WHERE event_id IS NOT NULL;

CREATE TABLE receipts (
    kiosk_id text COLLATE "C" NOT NULL,
    op_id text COLLATE "C" NOT NULL,
    at timestamptz NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, kiosk_id, op_id)
);
CREATE INDEX receipts_at ON receipts (office_id, at);

CREATE TABLE leases (
    id text COLLATE "C" NOT NULL,
    kiosk_id text COLLATE "C" NOT NULL,
    day date NOT NULL,
    start timestamptz NOT NULL,
    room text COLLATE "C" NOT NULL,
    reference text COLLATE "C" NOT NULL,
    expires_at timestamptz NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id),
    UNIQUE (office_id, reference)
);
CREATE INDEX leases_day ON leases (office_id, day);
CREATE INDEX leases_kiosk ON leases (office_id, kiosk_id);
CREATE INDEX leases_expiry ON leases (office_id, expires_at);

CREATE TABLE dead_letters (
    kiosk_id text COLLATE "C" NOT NULL,
    op_id text COLLATE "C" NOT NULL,
    received_at timestamptz NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, kiosk_id, op_id)
);

CREATE TABLE rooms (
    id text COLLATE "C" NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id)
);

CREATE TABLE closures (
    day date NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, day)
);

-- seats_taken counts the event's active bookings (triggers below, in the booking's transaction):
-- the CHECK refuses a seat over capacity even to a write that bypasses the application.
CREATE TABLE events (
    id text COLLATE "C" NOT NULL,
    start timestamptz NOT NULL,
    capacity integer NOT NULL,
    seats_taken integer NOT NULL DEFAULT 0,
    {ROW},
    PRIMARY KEY (office_id, id),
    CONSTRAINT events_seats_within_capacity CHECK (seats_taken <= capacity)
);

CREATE TABLE terms (
    doc text COLLATE "C" NOT NULL,
    version_name text COLLATE "C" NOT NULL,
    effective_from date NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, doc, version_name)
);

CREATE TABLE restrictions (
    id text COLLATE "C" NOT NULL,
    jobseeker_no text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id)
);
CREATE INDEX restrictions_visitor ON restrictions (office_id, jobseeker_no);

CREATE TABLE meta (
    key text COLLATE "C" NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, key)
);

CREATE TABLE kiosks (
    id text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    token_hash text COLLATE "C",
    code_hash text COLLATE "C",
    {ROW},
    PRIMARY KEY (office_id, id)
);
CREATE INDEX kiosks_token ON kiosks (office_id, token_hash) WHERE token_hash IS NOT NULL;
CREATE INDEX kiosks_code ON kiosks (office_id, code_hash) WHERE code_hash IS NOT NULL;

CREATE TABLE staff (
    id text COLLATE "C" NOT NULL,
    name text COLLATE "C" NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id)
);

CREATE TABLE credentials (
    id text COLLATE "C" NOT NULL,
    staff_id text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id)
);
CREATE INDEX credentials_staff ON credentials (office_id, staff_id);

CREATE TABLE staff_links (
    id text COLLATE "C" NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id)
);

CREATE TABLE sessions (
    id text COLLATE "C" NOT NULL,
    staff_id text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id)
);
CREATE INDEX sessions_staff ON sessions (office_id, staff_id);

CREATE TABLE challenges (
    id text COLLATE "C" NOT NULL,
    expires_at timestamptz NOT NULL,
    {ROW},
    PRIMARY KEY (office_id, id)
);

-- The audit chain: each line kept as the exact text that was hashed. Its head (count, hashes per
-- month) is one row per office, locked and updated in the same transaction as each entry.
CREATE TABLE audit_log (
    office_id integer NOT NULL REFERENCES offices (id),
    n bigint NOT NULL,
    log text COLLATE "C" NOT NULL,
    at timestamptz NOT NULL,
    actor text NOT NULL,
    action text NOT NULL,
    line text NOT NULL,
    PRIMARY KEY (office_id, n)
);
CREATE INDEX audit_log_by_month ON audit_log (office_id, log, n);   -- newest first, month by month
CREATE TABLE audit_heads (
    office_id integer PRIMARY KEY REFERENCES offices (id),
    anchor jsonb NOT NULL
);

-- Shared across the deployment's processes: rate-limit counters, the signing secret.
CREATE TABLE rate_counts (
    key text COLLATE "C" PRIMARY KEY,
    hits timestamptz[] NOT NULL,
    allowed boolean NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX rate_counts_expiry ON rate_counts (expires_at);
CREATE TABLE deployment (
    key text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);
"""

SEATS = f"""
CREATE FUNCTION madoguchi_take_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.event_id IS NOT DISTINCT FROM NEW.event_id
            AND (OLD.status IN {ACTIVE}) = (NEW.status IN {ACTIVE}) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.event_id IS NOT NULL AND OLD.status IN {ACTIVE} THEN
        UPDATE events SET seats_taken = seats_taken - 1 WHERE office_id = OLD.office_id AND id = OLD.event_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.event_id IS NOT NULL AND NEW.status IN {ACTIVE} THEN
        UPDATE events SET seats_taken = seats_taken + 1 WHERE office_id = NEW.office_id AND id = NEW.event_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER bookings_take_seats AFTER INSERT OR DELETE OR UPDATE ON bookings
    FOR EACH ROW EXECUTE FUNCTION madoguchi_take_seats();

-- An event saved after bookings name it (removed and added again) starts with their count.
CREATE FUNCTION madoguchi_count_seats() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.seats_taken := (SELECT count(*) FROM bookings b
                        WHERE b.office_id = NEW.office_id AND b.event_id = NEW.id AND b.status IN {ACTIVE});
    RETURN NEW;
END $$;
CREATE TRIGGER events_count_seats BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION madoguchi_count_seats();
"""

OFFICE_SET = "office_id = nullif(current_setting('madoguchi.office', true), '')::integer"


def upgrade() -> None:
    op.execute(TABLES)
    op.execute(SEATS)
    for table in OFFICE_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY office_only ON {table} USING ({OFFICE_SET}) WITH CHECK ({OFFICE_SET})")
    app_role = context.config.attributes.get("app_role")
    if app_role:
        grant_to(app_role)


def grant_to(role: str) -> None:
    """The app role reads and writes rows, nothing more: no DDL, no audit line changed or removed."""
    bind = op.get_bind()
    role = bind.dialect.identifier_preparer.quote(role)
    schema = bind.dialect.identifier_preparer.quote(bind.execute(text("SELECT current_schema()")).scalar())
    op.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}")
    op.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
    op.execute(f"REVOKE UPDATE, DELETE ON audit_log FROM {role}")
    op.execute(f"REVOKE DELETE ON offices, deployment FROM {role}")
    op.execute(f"REVOKE UPDATE ON deployment FROM {role}")
    op.execute(f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}")
    op.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO {role}")


def downgrade() -> None:
    op.execute("DROP TABLE " + ", ".join(OFFICE_TABLES + ("rate_counts", "deployment", "offices")) + " CASCADE")
    op.execute("DROP FUNCTION madoguchi_take_seats(), madoguchi_count_seats()")
