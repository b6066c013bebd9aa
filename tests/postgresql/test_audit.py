"""The audit chain in PostgreSQL is checked as on TinyDB: a line changed, lines cut off the end or a
tail rewritten with fresh hashes is found, by someone who can write the tables directly."""
from datetime import timedelta

import orjson

from kiosk.domain.audit import chain_entry
from tests.factories import NOW
from tests.postgresql.conftest import as_superuser


def audited(store, count: int = 4) -> None:
    for n in range(count):
        with store.transaction():
            store.audit(NOW + timedelta(days=20 * n), "staff:s1", "booking.cancel", booking_id=f"b-{n}")


def problems(store) -> list:
    with store.transaction():
        check = store.verify_audit()
    assert not check.ok
    return list(check.problems)


def test_an_untouched_chain_verifies_across_its_monthly_logs(store):
    audited(store)
    with store.transaction():
        check = store.verify_audit()
        assert check.ok and check.entries == 4 and store.audit_head()["count"] == 4
        assert [e["details"]["booking_id"] for e in store.audit_entries(limit=2)] == ["b-3", "b-2"]


def test_a_changed_line_is_found(database, store):
    audited(store)
    with as_superuser(database) as conn:
        conn.execute("UPDATE audit_log SET line = replace(line, 'b-1', 'b-9') WHERE n = 2")
    assert any("hash mismatch" in p for p in problems(store))


def test_lines_cut_off_the_end_are_found(database, store):
    audited(store)
    with as_superuser(database) as conn:
        conn.execute("DELETE FROM audit_log WHERE n = 4")
    assert any("1 entries missing at its end" in p for p in problems(store))


def test_a_tail_rewritten_with_fresh_hashes_is_found(database, store):
    audited(store)
    with as_superuser(database) as conn:
        prev = orjson.loads(conn.execute("SELECT line FROM audit_log WHERE n = 3").fetchone()[0])["hash"]
        forged = chain_entry(4, prev, NOW + timedelta(days=60), "staff:s1", "booking.cancel", {"booking_id": "b-x"})
        conn.execute("UPDATE audit_log SET line = %s WHERE n = 4", (orjson.dumps(forged).decode(),))
    assert any("rewritten" in p for p in problems(store))


def test_the_newest_entries_are_read_a_page_at_a_time_without_a_gap_or_a_repeat(store):
    audited(store, 9)
    with store.transaction():
        paged = [e["details"]["booking_id"] for e in store.newest_audit_entries(page=2)]
        assert paged == [f"b-{n}" for n in range(8, -1, -1)]
        assert [e["details"]["booking_id"] for e in store.newest_audit_entries(page=3)] == paged


def test_the_audit_page_shows_a_line_that_is_no_entry_and_the_check_that_found_it(database, store):
    from kiosk.staff import console
    audited(store)
    with as_superuser(database) as conn:
        conn.execute("UPDATE audit_log SET line = 'not json' WHERE n = 4")
    page = console.audit(store, {}, "ja")
    assert not page.check["ok"] and page.rows[0].action == "(unreadable line in 2027-01.jsonl)"
