"""The audit page's labels and details: every action code the code writes has a label in Japanese
and English, people are named, details are readable and never hold a name or 求職番号."""
import ast
import re
from datetime import date
from pathlib import Path

import pytest

from kiosk.i18n import translate
from kiosk.staff import audit_view
from kiosk.staff.audit_view import BadFilter, Filters

ROOT = Path(__file__).resolve().parents[2]
STAFF = {"s1": "山田 花子"}
KIOSKS = {"k1": "入口"}


def _codes(node) -> list:
    """The action codes an argument can be: a string, either side of `a if c else b`, or an f-string's pattern."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body) + _codes(node.orelse)
    if isinstance(node, ast.JoinedStr):
        return [re.compile("".join(re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z_]+" for v in node.values))]
    return []


def written_action_codes() -> list:
    """Every action code passed to `store.audit(now, actor, action, ...)` or `change_booking(..., audit_action)`."""
    found = []
    for path in [*(ROOT / "kiosk").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "audit" and len(node.args) >= 3:
                found += [(path.name, c) for c in _codes(node.args[2])]
            if name == "change_booking" and len(node.args) >= 6:
                found += [(path.name, c) for c in _codes(node.args[5])]
            found += [(path.name, c) for k in node.keywords if k.arg == "audit_action" for c in _codes(k.value)]
    return found


def test_the_source_writes_the_action_codes_we_know_of():
    codes = {c for _, c in written_action_codes() if isinstance(c, str)}
    assert {"booking.create", "booking.cancel", "staff.signed_in", "room.enable", "room.disable", "booking.no_show"} <= codes


def test_every_action_code_written_in_the_source_has_a_label():
    for where, code in written_action_codes():
        if isinstance(code, str):
            assert code in audit_view.ACTIONS, f"{where}: no label for the audit action {code!r}"
        else:
            assert any(code.fullmatch(known) for known in audit_view.ACTIONS), f"{where}: no label matches {code.pattern}"


@pytest.mark.parametrize("code", sorted(audit_view.ACTIONS))
def test_every_action_label_is_translated_into_japanese(code):
    ja = audit_view.action_label(code, "ja")
    assert ja != audit_view.action_label(code, "en") and not re.search(r"[A-Za-z]{3}", ja), code


def test_people_and_kiosks_are_named_and_the_rest_is_the_system():
    assert audit_view.who("staff:s1", STAFF, KIOSKS, "ja") == "山田 花子"
    assert audit_view.who("kiosk:k1", STAFF, KIOSKS, "en") == "入口"
    assert audit_view.who("k1", STAFF, KIOSKS, "en") == "入口"        # booking.create names the kiosk by its ID
    assert audit_view.who("sweeper", STAFF, KIOSKS, "ja") == "システム"
    assert audit_view.who("system", STAFF, KIOSKS, "en") == "System"
    assert audit_view.who("staff:gone", STAFF, KIOSKS, "en") == "unknown"
    assert audit_view.who("visitor", STAFF, KIOSKS, "en") == "Visitor"


def test_details_are_labelled_in_tokyo_time_and_never_show_a_name_or_a_jobseeker_number():
    raw = {"booking_id": "0123456789abcdef", "start": "2026-12-03T01:30:00+00:00", "channel": "kiosk", "name": "山田 花子",
           "jobseeker_no": "28010-12345", "reason": "28010-12345 が連絡なし", "arrived_late": True, "staff": "s1"}
    shown = dict(audit_view.details(raw, STAFF, KIOSKS, "ja"))
    assert shown == {"予約": "01234567", "開始": "2026-12-03 10:30", "予約の方法": "端末", "理由": "*****-**** が連絡なし",
                     "遅れて到着": "はい", "職員": "山田 花子"}
    assert dict(audit_view.details({"status": "no_show", "role": "admin"}, STAFF, KIOSKS, "en")) == \
        {"Status": "no-show", "Role": "Administrator"}


def test_filters_take_a_day_a_known_staff_member_and_a_known_action():
    assert audit_view.parse_filters({"day": "2026-12-01", "staff": "s1", "action": "booking.create"}, STAFF) == \
        Filters(date(2026, 12, 1), "s1", "booking.create")
    assert audit_view.parse_filters({}, STAFF) == Filters()
    for bad in ({"day": "2026-02-30"}, {"day": "20261201"}, {"staff": "staff:s1"}, {"action": "booking.delete"}):
        with pytest.raises(BadFilter):
            audit_view.parse_filters(bad, STAFF)


def test_rows_keep_the_entries_of_the_day_in_tokyo_that_match():
    entries = [{"n": 2, "at": "2026-12-01T15:30:00+00:00", "actor": "staff:s1", "action": "booking.cancel", "details": {}},
               {"n": 1, "at": "2026-12-01T14:30:00+00:00", "actor": "staff:s1", "action": "booking.create", "details": {}}]
    day = audit_view.rows(entries, Filters(day=date(2026, 12, 2)), STAFF, KIOSKS, "en")
    assert [(r.n, r.time, r.who, r.label) for r in day] == [(2, "2026-12-02 00:30", "山田 花子", "Booking cancelled")]
    assert [r.n for r in audit_view.rows(entries, Filters(action="booking.create"), STAFF, KIOSKS, "en")] == [1]
    assert audit_view.rows(entries, Filters(staff="s2"), STAFF, KIOSKS, "en") == []


def test_an_unknown_code_is_shown_as_it_is_rather_than_hidden():
    assert audit_view.action_label("staff.setup_lenk", "ja") == "staff.setup_lenk"
    assert translate(audit_view.ACTIONS["booking.create"], "ja", "staff") == "予約作成"
