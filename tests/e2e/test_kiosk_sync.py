"""The kiosk's outbox in real Chromium: offline, reloads, resets, errors (sync.md tests 2-4)."""
import pytest
from kiosk.services import kiosks as kiosk_service
from kiosk.tokens import read_join_token
from tests.e2e.conftest import decode_slip_qr, enroll, outbox_count, server_bookings, shot, wait_outbox_empty, wait_until
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time

pytestmark = pytest.mark.both_backends   # the booking, sync and join flows on PostgreSQL too


def book_first_slot(page, number="28010-12345"):
    page.click(".slot >> nth=0")
    fill_details(page, number=number)
    page.click("#book")
    page.wait_for_selector('[data-screen="slip"]:not([hidden])')


def test_an_offline_booking_on_a_lease_survives_reloads_and_lands_once(page, context, e2e_app, tmp_path):
    enroll(page, e2e_app)
    context.set_offline(True)
    page.reload()                                            # the service worker serves the shell
    page.wait_for_selector('[data-screen="start"]:not([hidden])')
    walk_to_time(page)
    assert page.is_visible("#offline-note")
    leases = page.evaluate("""async () => {
      const db = await new Promise((r) => { const q = indexedDB.open('madoguchi'); q.onsuccess = () => r(q.result); });
      return await new Promise((r) => { const q = db.transaction('state').objectStore('state').get('leases'); q.onsuccess = () => r(q.result.value); });
    }""")
    shot(page, "kiosk-time-offline")
    offered = page.locator(".slot").count()
    page.click("#week-next")
    offered += page.locator(".slot").count()
    page.click("#week-prev")
    assert offered == len(leases) == 10                      # only what the kiosk holds: 2 a day for 5 days
    book_first_slot(page)
    shot(page, "kiosk-slip-offline")
    room = page.inner_text("#slip-room")
    url = decode_slip_qr(page, tmp_path)
    claims = read_join_token("e2e-secret", url.rsplit("/j/", 1)[1])
    assert claims["r"] == room and claims["b"].startswith("lu_")
    assert outbox_count(page) == 1 and server_bookings(e2e_app) == []
    page.reload()                                            # still offline: nothing lost
    page.wait_for_selector('[data-screen="start"]:not([hidden])')
    assert outbox_count(page) == 1
    context.set_offline(False)
    wait_outbox_empty(page)
    booked = server_bookings(e2e_app)
    store = e2e_app.extensions["madoguchi"].store
    with store.transaction():
        assert store.dead_letters() == []
    assert len(booked) == 1 and booked[0].room_id == room and booked[0].lease_unit_id == claims["b"]
    assert booked[0].start.isoformat() == claims["s"] and booked[0].channel == "kiosk"


def test_a_reset_with_ops_waiting_keeps_every_op(page, context, e2e_app):
    enroll(page, e2e_app)
    context.set_offline(True)
    walk_to_time(page)
    book_first_slot(page, number="28010-11111")
    page.click('[data-screen="slip"] [data-action="restart"]')     # "Done": the visitor's state is wiped
    page.wait_for_selector('[data-screen="start"]:not([hidden])')
    walk_to_time(page)
    book_first_slot(page, number="28010-22222")
    page.click("#restart")                                          # "Start over"
    page.click("#restart-confirm")                                  # it asks first
    page.wait_for_selector('[data-screen="start"]:not([hidden])')
    assert outbox_count(page) == 2
    assert "22222" not in page.content() and "山田" not in page.content()
    assert page.input_value("#name") == "" and page.input_value("#jobseeker") == ""
    context.set_offline(False)
    wait_outbox_empty(page)
    assert sorted(b.jobseeker_no for b in server_bookings(e2e_app)) == ["28010-11111", "28010-22222"]


def test_a_server_error_keeps_the_op_until_the_server_is_back(page, context, e2e_app):
    enroll(page, e2e_app)
    broken, failures = [True], []

    def fail_while_broken(route):
        if broken[0]:
            failures.append(1)
            route.fulfill(status=500, body="{}", content_type="application/json")
        else:
            route.continue_()

    context.route("**/api/v1/sync", fail_while_broken)              # the page's and the service worker's
    walk_to_time(page)
    book_first_slot(page)                                          # a leased slot: the slip prints at once
    page.wait_for_timeout(2500)
    assert failures and outbox_count(page) == 1 and server_bookings(e2e_app) == []
    broken[0] = False
    wait_outbox_empty(page, timeout=30000)                         # the backoff timer retries
    assert len(server_bookings(e2e_app)) == 1


def test_a_lost_response_is_replayed_as_a_duplicate_and_books_once(page, context, e2e_app):
    enroll(page, e2e_app)
    lost = []

    def lose_first_answer(route):
        if not lost and b"booking.create" in (route.request.post_data_buffer or b""):
            route.fetch()                                          # the server commits...
            lost.append(1)
            route.abort()                                          # ...the kiosk never hears
        else:
            route.continue_()

    context.route("**/api/v1/sync", lose_first_answer)
    walk_to_time(page)
    book_first_slot(page)
    wait_outbox_empty(page, timeout=30000)
    assert lost and len(server_bookings(e2e_app)) == 1


def test_a_revoked_kiosk_keeps_its_outbox_and_says_it_needs_enrollment(page, e2e_app):
    enroll(page, e2e_app)
    office = e2e_app.extensions["madoguchi"]
    kiosk_service.revoke(office.store, office.now(), "test", kiosk_service.kiosk_named(office.store, "入口"))
    walk_to_time(page)
    book_first_slot(page)
    wait_until(page, "document.querySelector('#status').textContent.length > 0")
    wait_until(page, "document.querySelector('#status').dataset.reenroll === 'true'", timeout=10000)
    assert outbox_count(page) == 1 and server_bookings(e2e_app) == []
