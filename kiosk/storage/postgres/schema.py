"""What the code expects of the database: the newest migration, and the tables kept per office."""

HEAD = "0002"     # the newest revision in migrations/versions (a test keeps the two in step)

# Tables whose rows belong to one office: row-level security on each (the migrations' policy).
OFFICE_TABLES = ("bookings", "receipts", "leases", "dead_letters", "rooms", "closures", "events", "terms",
                 "restrictions", "meta", "kiosks", "staff", "credentials", "staff_links", "sessions", "challenges",
                 "audit_log", "audit_heads", "setup_versions")
