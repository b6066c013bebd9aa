"""The kiosk tells the truth (issue 14 §1): it judges the server by its own syncs, not by
navigator.onLine; a booking not on a lease waits only until its confirm_by, then the visitor hears
that nothing was booked and the op can never apply later."""
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.services import office as office_service
from tests.e2e.conftest import assert_accessible, enroll, outbox_count, server_bookings, shot, wait_outbox_empty, wait_until
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time

UNLEASED_SLOT = 5            # 12:30 on the first day: the kiosk leases each day's first units only
CAPTIVE_PORTAL = "<!doctype html><title>Wi-Fi</title><p>Please log in to use the Wi-Fi.</p>"

READ_STORE = """async (name) => {
  const db = await new Promise((r) => { const q = indexedDB.open('madoguchi'); q.onsuccess = () => r(q.result); });
  return await new Promise((r) => { const q = db.transaction(name).objectStore(name).getAll(); q.onsuccess = () => r(q.result); });
}"""


def read_store(page, name):
    return page.evaluate(READ_STORE, name)


def leases(page):
    return next(row["value"] for row in read_store(page, "state") if row["key"] == "leases")


def two_weeks(page):
    """The slots offered and what the days without any say, this week and the next."""
    def week():
        return (page.eval_on_selector_all(".slot", "els => els.map((e) => e.getAttribute('aria-label'))"),
                page.eval_on_selector_all(".day.is-closed .closed", "els => els.map((e) => e.textContent)"))
    (slots, closed), _ = week(), page.click("#week-next")
    more_slots, more_closed = week()
    page.click("#week-prev")
    return slots + more_slots, closed + more_closed


class SyncRoute:
    """The sync URL, broken on demand (aborted, or answered 200 by someone else), every post recorded."""

    def __init__(self, context, mode="abort"):
        self.mode, self.posts = mode, []
        context.route("**/api/v1/sync", self.handle)

    def handle(self, route):
        body = json.loads(route.request.post_data or "{}")
        self.posts.append({"ops": [op["op_id"] for op in body.get("ops", [])], "mode": self.mode})
        if self.mode == "abort":
            route.abort()
        elif self.mode == "portal":
            route.fulfill(status=200, body=CAPTIVE_PORTAL, content_type="text/html")
        elif self.mode == "settles-nothing" and body.get("ops"):
            route.fulfill(status=200, content_type="application/json", body=json.dumps(
                {"server_time": datetime.now(ZoneInfo("Asia/Tokyo")).isoformat(), "results": [], "leases": [], "commands": []}))
        else:
            route.continue_()

    def ops_sent(self, mode=None):
        return [op for post in self.posts if mode in (None, post["mode"]) for op in post["ops"]]


def test_with_the_network_up_but_the_server_unreachable_only_leased_units_are_offered(page, context, e2e_app):
    enroll(page, e2e_app)
    SyncRoute(context, "abort")                                    # the Wi-Fi is up; the server does not answer
    walk_to_time(page)
    wait_until(page, "!document.querySelector('#offline-note').hidden", timeout=5000)
    assert page.evaluate("navigator.onLine")
    offered, closed = two_weeks(page)
    assert len(offered) == len(leases(page)) == 10                 # only what the kiosk holds: 2 a day for 5 days
    assert "現在この端末では予約できません" in closed and "空きなし" not in closed
    status = page.locator("#status")
    assert status.get_attribute("data-online") == "false" and status.get_attribute("data-network") == "true"
    assert "ハローワークに接続できません" in status.inner_text()
    assert_accessible(page, "time, unreachable (ja)")
    shot(page, "kiosk-time-unreachable-ja")


def test_a_booking_not_on_a_lease_is_reported_as_not_booked_after_its_confirm_by_and_never_sent(page, context, e2e_app):
    enroll(page, e2e_app)
    walk_to_time(page)                                             # the server answers: every free unit is offered
    page.click(f".slot >> nth={UNLEASED_SLOT}")
    fill_details(page, name="山田 花子", number="28010-12345")
    sync = SyncRoute(context, "abort")                             # ...and then stops answering
    page.evaluate("document.documentElement.dataset.confirmSeconds = '3'")   # 60 s on a real kiosk
    page.click("#book")
    page.wait_for_selector('section[data-screen="waiting"]:not([hidden])')
    page.wait_for_selector('section[data-screen="not-booked"]:not([hidden])', timeout=15000)
    assert page.inner_text('section[data-screen="not-booked"] h1') == "予約はされていません"
    assert "予約はされていません" in page.inner_text("#not-booked-text")
    assert not page.is_visible('section[data-screen="waiting"]') and "登録しています" not in page.inner_text("main")
    held = {lease["start"] for lease in leases(page)}
    times = page.eval_on_selector_all("#not-booked-days .slot", "els => els.map((e) => e.getAttribute('aria-label'))")
    assert len(times) == len(held) == 10
    assert_accessible(page, "nothing was booked (ja)")
    shot(page, "kiosk-not-booked-ja")

    (dead,) = read_store(page, "dead_letter")                      # kept for staff, out of the outbox for good
    assert dead["abandoned"] and dead["visitor_told"] and dead["payload"]["name"] == "山田 花子"
    created, deadline = datetime.fromisoformat(dead["created_at"]), datetime.fromisoformat(dead["confirm_by"])
    assert deadline - created == timedelta(seconds=3) and "lease_unit_id" not in dead["payload"]
    assert outbox_count(page) == 0
    sent_while_broken = len(sync.posts)

    page.click("#not-booked-days .slot >> nth=0")                  # a time the kiosk holds: booked at once
    page.wait_for_selector('section[data-screen="confirm"]:not([hidden])')
    page.click("#book")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    assert page.is_visible("#slip-offline") and "自動でハローワークに送られます" in page.inner_text("#slip-offline")
    assert "プリンターからお取りください" in page.inner_text("#slip-take")
    assert_accessible(page, "slip, unreachable (ja)")
    shot(page, "kiosk-slip-unreachable-ja")

    sync.mode = "pass"                                             # the server answers again
    wait_outbox_empty(page, timeout=30000)
    assert len(sync.posts) > sent_while_broken
    assert dead["op_id"] not in sync.ops_sent("pass")              # never sent as a live booking again
    (booked,) = server_bookings(e2e_app)
    assert booked.lease_unit_id and booked.name == "山田 花子"


def test_a_200_that_is_not_a_sync_answer_is_a_failure_that_backs_off_and_says_so(page, context, e2e_app):
    enroll(page, e2e_app)
    sync = SyncRoute(context, "portal")                            # a captive portal answers 200 with its page
    walk_to_time(page)
    page.click(".slot >> nth=0")                                   # a leased unit: the slip prints at once
    fill_details(page)
    page.click("#book")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    assert page.is_visible("#slip-offline")                         # the server is not known to answer
    wait_until(page, "document.querySelector('#status').dataset.failing === 'true'", timeout=15000)
    assert "送信の失敗が続いています" in page.inner_text("#status") and outbox_count(page) == 1
    posts = len(sync.posts)
    page.wait_for_timeout(1500)
    assert len(sync.posts) - posts <= 1                            # backing off, not hammering
    sync.mode = "pass"
    wait_outbox_empty(page, timeout=30000)
    assert len(server_bookings(e2e_app)) == 1
    wait_until(page, "document.querySelector('#status').dataset.failing === 'false'")


def test_a_sync_answer_that_settles_no_op_stops_the_loop_instead_of_posting_again_at_once(page, context, e2e_app):
    enroll(page, e2e_app)
    sync = SyncRoute(context, "settles-nothing")
    walk_to_time(page)
    page.click(".slot >> nth=0")
    fill_details(page)
    page.click("#book")
    page.wait_for_selector('section[data-screen="slip"]:not([hidden])')
    wait_until(page, "document.querySelector('#status').dataset.failing === 'true'", timeout=15000)
    page.wait_for_timeout(1000)
    assert 3 <= len(sync.ops_sent("settles-nothing")) <= 5         # 1 s, 2 s, 4 s... not hundreds a second
    assert outbox_count(page) == 1


def test_the_events_screen_and_the_status_follow_the_network_within_a_second(page, context, e2e_app):
    office = e2e_app.extensions["madoguchi"]
    start = (datetime.now(ZoneInfo("Asia/Tokyo")) + timedelta(days=8)).replace(hour=14, minute=0, second=0, microsecond=0)
    office_service.add_event(office.store, office.now(), "test", "seminar", "応募書類セミナー", start,
                             start + timedelta(hours=1), 20, "zoom", "845 0000 1111")
    enroll(page, e2e_app)
    walk_to_time(page, service="event")
    page.wait_for_selector("#events .choice")
    context.set_offline(True)
    wait_until(page, "document.querySelector('#events-note') && !document.querySelector('#events .choice')"
                     " && document.querySelector('#status').dataset.network === 'false'", timeout=1000)
    assert "オンラインのときにできます" in page.inner_text("#events")
    assert page.get_attribute("#status", "data-network") == "false" and "オフライン" in page.inner_text("#status")
    assert_accessible(page, "events, offline (ja)")
    shot(page, "kiosk-events-offline-ja")
    context.set_offline(False)
    wait_until(page, "document.querySelector('#events .choice') !== null"
                     " && document.querySelector('#status').dataset.online === 'true'", timeout=1000)


def test_an_abandoned_op_sent_after_its_confirm_by_is_refused_and_books_nothing(page, context, e2e_app, server):
    """The server's side of the promise: even if the abandoned op reached it later, nothing is booked."""
    import requests
    from datetime import timezone
    enroll(page, e2e_app)
    walk_to_time(page)
    page.click(".slot >> nth=5")
    fill_details(page)
    SyncRoute(context, "abort")
    page.evaluate("document.documentElement.dataset.confirmSeconds = '2'")
    page.click("#book")
    page.wait_for_selector('section[data-screen="not-booked"]:not([hidden])', timeout=15000)
    (dead,) = read_store(page, "dead_letter")
    device = next(row["value"] for row in read_store(page, "state") if row["key"] == "device")
    op = {k: dead[k] for k in ("op_id", "seq", "type", "created_at", "confirm_by", "payload")}
    answer = requests.post(f"{server}/api/v1/sync", json={"schema": 1, "client_sent_at": datetime.now(timezone.utc).isoformat(),
                                                          "ops": [op]},
                           headers={"Authorization": f"Bearer {device['token']}"}, timeout=10).json()
    assert answer["results"][0]["status"] == "rejected", answer["results"]
    assert answer["results"][0]["error"]["code"] == "confirm_by_passed"
    assert server_bookings(e2e_app) == []
