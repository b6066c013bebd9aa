"""Hypothesis against the live server where the OpenAPI document does not reach: the kiosk's sync,
the staff console's JSON, tokens and query strings, with hostile values (lone surrogates, huge
integers, deep nesting, NaN, extreme dates). After every case: no 500, and /healthz within 1 s;
at the end, the audit chain verifies. The counts run per endpoint are printed."""
import json
import time
import uuid

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.services import kiosks as kiosk_service
from tests.factories import NOW, make_payload
from tests.integration.test_staff_signin import ORIGIN, register, setup_token
from tests.webauthn_authenticator import SoftAuthenticator

pytestmark = pytest.mark.usefixtures("two_rooms")
RUNS = {}


@pytest.fixture(autouse=True)
def no_traceback_in_the_log(caplog):
    """Never a traceback in the server's log: every hostile input was a refusal, not a failure."""
    yield
    failures = [r for r in caplog.records if r.exc_info or r.levelname in ("ERROR", "CRITICAL")]
    assert not failures, [r.getMessage() for r in failures][:5]

nasty_text = st.one_of(st.text(max_size=30), st.sampled_from(["\ud800", "a\udfffb", "\x00", "\u202e", "=1+1", "😀" * 200,
                                                              "x" * 5000, "", " ", "ー－", "２８０１０－１２３４５"]))
nasty_number = st.one_of(st.integers(-2 ** 70, 2 ** 70), st.sampled_from([2 ** 64, 2 ** 53, -1, 0]),
                         st.floats(allow_nan=True, allow_infinity=True))
nasty_time = st.one_of(st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-12-03T10:30:00+09:00",
                                        "2026-12-03T10:30", "2026-02-30T10:00:00+09:00", "now"]), nasty_text)
leaf = st.one_of(st.none(), st.booleans(), nasty_number, nasty_text, nasty_time)
nasty = st.recursive(leaf, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(nasty_text, inner, max_size=4)), max_leaves=12)


def deep(levels: int):
    return json.loads("[" * levels + "]" * levels) if levels < 900 else None


def encoded(value) -> bytes:
    """Python's json writes lone surrogates as \\ud800 escapes and NaN as NaN: what a careless or
    hostile client sends."""
    text = json.dumps(value, allow_nan=True)
    return text.encode("utf-8")


def post(url, path, value, headers=None, raw=None):
    t0 = time.perf_counter()
    r = requests.post(f"{url}{path}", data=raw if raw is not None else encoded(value), timeout=5,
                      headers={"Content-Type": "application/json", **(headers or {})})
    return r, time.perf_counter() - t0


def healthy(url):
    t0 = time.perf_counter()
    r = requests.get(f"{url}/healthz", timeout=1)
    assert r.status_code == 200 and time.perf_counter() - t0 < 1, r.text


def answered(url, r, path):
    RUNS[path] = RUNS.get(path, 0) + 1
    assert r.status_code < 500, f"{path}: {r.status_code} {r.text[:300]}"
    if r.headers.get("Content-Type", "").startswith("application/json") and r.status_code >= 400:
        assert r.json()["error"]["code"] and r.json()["error"]["message"]
    healthy(url)


def op_like(draw_field):
    return st.fixed_dictionaries({}, optional={
        "op_id": st.one_of(st.just(str(uuid.uuid4())), nasty_text), "seq": nasty_number,
        "type": st.one_of(st.sampled_from(["booking.create", "event.book", "booking.cancel", "checkin", "lease.release"]),
                          nasty_text),
        "created_at": nasty_time, "confirm_by": nasty_time,
        "payload": st.one_of(st.just(make_payload()), st.dictionaries(nasty_text, nasty, max_size=6),
                             st.builds(lambda k, v: dict(make_payload(), **{k: v}),
                                       st.sampled_from(list(make_payload())), nasty)),
    })


@pytest.fixture
def kiosk_token(office):
    code = kiosk_service.enroll(office.store, NOW, "test", "入口")["code"]
    return kiosk_service.exchange_code(office.store, NOW, code)["token"]


def test_the_sync_endpoint_never_fails_never_hangs_and_keeps_its_promises(live_server, kiosk_token, office):
    auth = {"Authorization": f"Bearer {kiosk_token}"}

    @settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(ops=st.lists(st.one_of(op_like(None), nasty), max_size=5), sent=nasty_time,
           status=st.one_of(st.none(), st.dictionaries(st.sampled_from(["outbox", "dead_letters", "persisted", "x"]), nasty)),
           extra=st.dictionaries(st.sampled_from(["have_leases", "slips_for", "schema"]), nasty, max_size=2))
    def case(ops, sent, status, extra):
        body = {"schema": 1, "client_sent_at": sent, "ops": ops, **({"status": status} if status is not None else {}), **extra}
        r, _ = post(live_server, "/api/v1/sync", body, auth)
        answered(live_server, r, "/api/v1/sync")
        if r.status_code == 200:
            assert len(r.json()["results"]) == len(ops)

    case()
    for levels in (300, 2000, 20_000):
        r, _ = post(live_server, "/api/v1/sync", None, auth, raw=("[" * levels + "]" * levels).encode())
        answered(live_server, r, "/api/v1/sync")
    with office.store.transaction():
        assert office.store.verify_audit().ok
    print("fuzz cases:", RUNS)


@pytest.fixture
def staff_cookie(app, client):
    register(client, SoftAuthenticator(), setup_token(app.test_cli_runner()))
    return {"Cookie": f"__Host-madoguchi={client.get_cookie('__Host-madoguchi', domain='localhost').value}",
            "X-Madoguchi": "1"}


STAFF_POSTS = ["/api/v1/staff/closures", "/api/v1/staff/events", "/api/v1/staff/rules", "/api/v1/staff/rooms",
               "/api/v1/staff/visitors/lookup", "/api/v1/staff/visitors/restrict", "/api/v1/staff/visitors/lift",
               "/api/v1/staff/kiosks/enroll", "/api/v1/staff/invite", "/api/v1/staff/terms",
               "/api/v1/staff/bookings/{booking}/note", "/api/v1/staff/bookings/{booking}/reschedule",
               "/api/v1/staff/bookings/{booking}/room", "/api/v1/staff/dead-letters/x/resolve",
               "/api/v1/staff/events/ev-x/cancel", "/api/v1/staff/signin/options"]


def test_the_staff_json_endpoints_never_fail_on_any_body(live_server, client, staff_cookie, office):
    booking = client.post("/api/v1/bookings", json=make_payload()).json["booking"]["booking_id"]

    @settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(path=st.sampled_from(STAFF_POSTS), body=st.one_of(
        st.dictionaries(st.sampled_from(["note", "name", "day", "start", "end", "capacity", "title", "title_en", "kind",
                                         "app", "meeting_id", "counselor", "reason", "until", "jobseeker_no", "role",
                                         "CUTOFF_POLICY", "LEASE_DAYS", "STRIKE_THRESHOLD", "doc", "version", "ja",
                                         "effective_from", "room", "kiosk_id"]), nasty, max_size=6), nasty))
    def case(path, body):
        path = path.format(booking=booking)
        r, _ = post(live_server, path, body, staff_cookie)
        answered(live_server, r, path.replace(booking, "{booking}"))

    case()
    with office.store.transaction():
        assert office.store.verify_audit().ok
    print("fuzz cases:", RUNS)


def test_tokens_paths_and_query_strings_never_fail(live_server):
    @settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(token=st.one_of(nasty_text, st.text(alphabet="abcdefABCDEF0123456789.-_", max_size=300)),
           query=st.dictionaries(st.sampled_from(["from", "days", "lang", "terms", "slips", "m", "new", "date"]),
                                 st.one_of(nasty_text, nasty_time, st.integers().map(str)), max_size=3),
           path=st.sampled_from(["/j/{t}", "/api/v1/join/{t}", "/j/{t}/calendar.ics", "/api/v1/calendar", "/api/v1/terms",
                                 "/staff/week", "/kiosk", "/book", "/i18n/{t}.json", "/api/v1/kiosk/state"]))
    def case(token, query, path):
        url = path.format(t=requests.utils.quote(token.encode("utf-8", "replace"), safe=""))
        # Lone surrogates go out as the bytes they would be (invalid UTF-8): what a hostile client sends.
        qs = "&".join(f"{k}={requests.utils.quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in query.items())
        r = requests.get(f"{live_server}{url}" + (f"?{qs}" if qs else ""), timeout=5,
                         headers={"Authorization": f"Bearer {token.encode('ascii', 'replace').decode()[:300]}"})
        answered(live_server, r, path)
        for post_path in ("/api/v1/join/{t}/cancel", "/api/v1/join/{t}/checkin"):
            r, _ = post(live_server, post_path.format(t=requests.utils.quote(token.encode("utf-8", "replace"), safe="")),
                        {"last4": token})
            answered(live_server, r, post_path)

    case()
    print("fuzz cases:", RUNS)
