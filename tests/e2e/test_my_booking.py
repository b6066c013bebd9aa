""""My booking" (issue 14 §3), in real Chromium against the live server: a visitor finds their
booking by the slip's reference and the last 4 digits of the 求職番号, sees it, prints its slip
again (the kiosk) or opens its page (a phone), and cancels it; a wrong reference or wrong digits
get the same words and reveal nothing; "already booked" leads to the booking held."""
import pytest
import requests

from tests.e2e.conftest import answer_yes, assert_accessible, decode_slip_qr, enroll, server_bookings, shot, wait_until
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time
from tests.e2e.test_kiosk_truth import SyncRoute
from tests.factories import make_payload
from tests.live_api import bookable_starts, live_consent

LABELS = {"ja": "日本語", "ja-easy": "やさしいにほんご", "en": "English"}
NOT_FOUND = {"ja": "合う予約はありません", "en": "No booking matches"}   # the server's one refusal


def book_by_api(server, slot=4, number="28010-12345", name="山田 花子", language="ja", **extra):
    """A booking made elsewhere (a phone), as the server answers it: reference, join_url, room."""
    payload = make_payload(start=bookable_starts(server, 10)[slot], consent=live_consent(server), language=language,
                           jobseeker_no=number, name=name, **extra)
    answer = requests.post(f"{server}/api/v1/bookings", json=payload, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["booking"]


def status_of(app, booking_id):
    (found,) = [b for b in server_bookings(app) if b.booking_id == booking_id]
    return found.status


def open_mine(page):
    page.click("#mine-start")
    page.wait_for_selector('section[data-screen="mine"]:not([hidden])')


def type_on_keys(page, reference, last4):
    """The kiosk's own keys: the reference's letters and digits, then the 4 digits."""
    for ch in reference:
        page.click(f'#mine-letters button:text-is("{ch}")')
    for ch in last4:
        page.click(f'#mine-digits button:text-is("{ch}")')


def find(page, reference, last4, *, keys=False):
    if keys:
        type_on_keys(page, reference, last4)
    else:
        page.fill("#mine-reference", reference)
        page.fill("#mine-last4", last4)
    page.click("#mine-find")


def screen(page, name):
    page.wait_for_selector(f'section[data-screen="{name}"]:not([hidden])')


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en"])
def test_my_booking_finds_reprints_and_cancels_at_the_kiosk(page, e2e_app, server, tmp_path, lang):
    booking = book_by_api(server, language=lang)
    enroll(page, e2e_app)
    page.click(f'#languages button:text-is("{LABELS[lang]}")')
    assert page.is_visible("#mine-start")
    assert_accessible(page, f"start with my booking ({lang})")
    shot(page, f"mine-kiosk-{lang}-1-start")
    open_mine(page)
    assert_accessible(page, f"my booking: the form ({lang})")
    shot(page, f"mine-kiosk-{lang}-2-form")

    page.click("#mine-find")                                           # nothing typed: each field says so
    assert page.inner_text("#mine-reference-error") and page.inner_text("#mine-last4-error")
    page.keyboard.type("x")                                            # ...and the message goes once typed
    assert page.inner_text("#mine-reference-error") == ""
    page.fill("#mine-reference", "")

    # The keys as printed; the digits the visitor knows (the last 4 of 28010-12345).
    find(page, booking["reference"], "2345", keys=True)
    screen(page, "mine-booking")
    assert page.inner_text("#mine-room") == booking["room_id"]
    assert page.inner_text("#mine-reference-shown") == booking["reference"]
    assert f"{booking['start'][11:16]}–{booking['end'][11:16]}" in page.inner_text("#mine-list")   # Tokyo time
    assert page.is_visible("#mine-reprint") and page.is_visible("#mine-cancel") and not page.is_visible("#mine-page")
    assert_accessible(page, f"my booking: the booking ({lang})")
    shot(page, f"mine-kiosk-{lang}-3-booking")

    # Reprint: the same slip as after a booking, through the kiosk's print path.
    page.click("#mine-reprint")
    screen(page, "slip")
    wait_until(page, "window.__prints === 1")
    assert decode_slip_qr(page, tmp_path) == booking["join_url"]
    assert page.inner_text("#slip-reference") == booking["reference"]
    assert page.inner_text("#slip-room") == booking["room_id"]
    assert_accessible(page, f"my booking: the reprinted slip ({lang})")
    shot(page, f"mine-kiosk-{lang}-4-reprint")
    page.click("#slip-back")
    screen(page, "mine-booking")

    # Cancel asks first; "no" changes nothing.
    page.click("#mine-cancel")
    page.wait_for_selector("#mine-cancel-dialog[open]")
    assert_accessible(page, f"my booking: cancel? ({lang})")
    shot(page, f"mine-kiosk-{lang}-5-cancel-ask")
    page.click("#mine-cancel-keep")
    assert not page.is_visible("#mine-cancel-dialog")
    assert status_of(e2e_app, booking["booking_id"]) == "confirmed"
    assert page.get_attribute("#mine-status", "data-status") == "confirmed"

    page.click("#mine-cancel")
    page.click("#mine-cancel-confirm")
    wait_until(page, "document.querySelector('#mine-status').dataset.status === 'cancelled'")
    assert status_of(e2e_app, booking["booking_id"]) == "cancelled"
    assert not page.is_visible("#mine-cancel") and not page.is_visible("#mine-reprint")
    text = page.inner_text('section[data-screen="mine-booking"]').lower()
    assert "strike" not in text and "ペナルティ" not in text               # an announced cancel is no strike
    assert_accessible(page, f"my booking: cancelled ({lang})")
    shot(page, f"mine-kiosk-{lang}-6-cancelled")

    # Done: back to the start, the screen wiped as the idle reset wipes it.
    page.click("#mine-done")
    screen(page, "start")
    assert page.input_value("#mine-reference") == "" and page.inner_text("#mine-room") == ""


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en"])
def test_a_wrong_reference_or_wrong_digits_get_the_same_words_and_reveal_nothing(page, e2e_app, server, lang):
    booking = book_by_api(server, language=lang, number="28010-24680")
    enroll(page, e2e_app)
    page.click(f'#languages button:text-is("{LABELS[lang]}")')
    open_mine(page)
    wrong_reference = "".join("Z" if ch != "Z" else "Y" for ch in booking["reference"])
    find(page, wrong_reference, "4680")
    wait_until(page, "document.querySelector('#mine-error').textContent !== ''")
    wrong_ref_message = page.inner_text("#mine-error")
    assert lang not in NOT_FOUND or NOT_FOUND[lang] in wrong_ref_message      # the server's words, in the visitor's language
    assert_accessible(page, f"my booking: not found ({lang})")
    shot(page, f"mine-kiosk-{lang}-7-not-found")

    page.fill("#mine-reference", booking["reference"].lower())        # the right reference, other digits
    page.fill("#mine-last4", "4681")
    wait_until(page, "document.querySelector('#mine-error').textContent === ''")   # typing clears the old message
    page.click("#mine-find")
    wait_until(page, "document.querySelector('#mine-error').textContent !== ''")
    assert page.inner_text("#mine-error") == wrong_ref_message         # the same words: nothing revealed
    assert page.is_visible('section[data-screen="mine"]')
    content = page.content()
    assert booking["room_id"] not in content and booking["join_url"] not in content
    assert status_of(e2e_app, booking["booking_id"]) == "confirmed"

    page.fill("#mine-reference", f" {booking['reference'][:3].lower()} {booking['reference'][3:]} ")   # case and spaces
    page.fill("#mine-last4", "４６８０")                                   # full-width digits
    page.click("#mine-find")
    screen(page, "mine-booking")
    assert page.inner_text("#mine-room") == booking["room_id"]


def test_looking_up_a_booking_needs_the_server_and_says_so_calmly(page, context, e2e_app, server):
    booking = book_by_api(server)
    enroll(page, e2e_app)
    sync = SyncRoute(context, "abort")                                 # the Wi-Fi is up; the server does not answer
    lookups = []
    context.route("**/api/v1/bookings/lookup", lambda route: (lookups.append(1), route.abort()))
    open_mine(page)
    wait_until(page, "!document.querySelector('#mine-offline').hidden", timeout=5000)
    assert page.evaluate("navigator.onLine")
    assert "接続が必要" in page.inner_text("#mine-offline")
    assert page.is_disabled("#mine-find")
    type_on_keys(page, booking["reference"], "2345")                  # the keys still work; nothing is sent
    page.press("#mine-last4", "Enter")
    assert page.input_value("#mine-reference") == booking["reference"] and page.input_value("#mine-last4") == "2345"
    assert lookups == [] and page.is_visible('section[data-screen="mine"]')
    assert_accessible(page, "my booking: unreachable (ja)")
    shot(page, "mine-kiosk-ja-8-unreachable")

    sync.mode = "pass"                                                 # the server answers again
    wait_until(page, "document.querySelector('#mine-offline').hidden", timeout=45000)
    context.unroute("**/api/v1/bookings/lookup")
    page.click("#mine-find")
    screen(page, "mine-booking")
    assert page.inner_text("#mine-room") == booking["room_id"]


@pytest.mark.parametrize("lang", ["ja", "ja-easy", "en"])
def test_already_booked_leads_to_the_booking_held_and_a_cancel_frees_the_way(page, e2e_app, server, lang):
    held = book_by_api(server, slot=2, number="28010-12345", name="山田 花子")
    enroll(page, e2e_app)
    walk_to_time(page, LABELS[lang])
    page.click(".slot >> nth=5")                                       # not leased: the server decides at once
    fill_details(page, name="山田 花子", number="28010-12345")
    page.click("#book")
    page.wait_for_selector("#existing-actions:not([hidden])", timeout=20000)
    assert held["reference"] in page.inner_text("#confirm-error")
    assert_accessible(page, f"already booked ({lang})")
    shot(page, f"mine-kiosk-{lang}-9-already-booked")

    page.click("#existing-open")                                       # prefilled: straight to the booking held
    screen(page, "mine-booking")
    assert page.inner_text("#mine-reference-shown") == held["reference"]
    assert page.inner_text("#mine-room") == held["room_id"]
    page.click("#mine-cancel")
    page.click("#mine-cancel-confirm")
    wait_until(page, "document.querySelector('#mine-status').dataset.status === 'cancelled'")
    assert status_of(e2e_app, held["booking_id"]) == "cancelled"

    page.click("#mine-booking-back")                                   # back to the check: book the new time
    screen(page, "confirm")
    assert page.inner_text("#confirm-error") == "" and not page.is_visible("#existing-actions")
    page.click("#book")
    screen(page, "slip")
    active = [b for b in server_bookings(e2e_app) if b.status == "confirmed"]
    assert len(active) == 1 and active[0].booking_id != held["booking_id"]


@pytest.mark.parametrize("lang", ["en", "ja-easy"])
def test_my_booking_on_a_phone_opens_the_booking_page_instead_of_printing(phone, e2e_app, server, lang):
    booking = book_by_api(server, language=lang, number="28010-13579")
    phone.goto(f"/book?lang={lang}")
    screen(phone, "start")
    assert phone.get_attribute("#mine-start-note", "data-t") == "mine_note_phone"   # no printing on a phone
    assert_accessible(phone, f"phone: start with my booking ({lang})")
    shot(phone, f"mine-phone-{lang}-1-start")
    open_mine(phone)
    assert not phone.is_visible("#mine-letters") and not phone.is_visible("#mine-digits")
    assert_accessible(phone, f"phone: my booking form ({lang})")
    shot(phone, f"mine-phone-{lang}-2-form")
    find(phone, "ZZZZZZ", "3579")
    wait_until(phone, "document.querySelector('#mine-error').textContent !== ''")
    assert lang != "en" or NOT_FOUND["en"] in phone.inner_text("#mine-error")
    assert_accessible(phone, f"phone: not found ({lang})")
    shot(phone, f"mine-phone-{lang}-7-not-found")
    find(phone, booking["reference"], "3579")
    screen(phone, "mine-booking")
    assert not phone.is_visible("#mine-reprint") and phone.is_visible("#mine-page")
    assert phone.inner_text("#mine-room") == booking["room_id"]
    assert_accessible(phone, f"phone: my booking ({lang})")
    shot(phone, f"mine-phone-{lang}-3-booking")
    phone.click("#mine-cancel")
    phone.wait_for_selector("#mine-cancel-dialog[open]")
    assert_accessible(phone, f"phone: cancel? ({lang})")
    shot(phone, f"mine-phone-{lang}-5-cancel-ask")
    phone.click("#mine-cancel-keep")
    assert status_of(e2e_app, booking["booking_id"]) == "confirmed"
    phone.click("#mine-page")
    phone.wait_for_url("**/j/*")
    assert phone.url.split("?")[0].endswith(booking["join_url"].rsplit("/", 1)[1])
    assert phone.get_attribute("#join-status", "data-status") == "confirmed"
    assert phone.inner_text("#room-id") == booking["room_id"]
    assert phone.get_attribute("html", "lang") == {"en": "en", "ja-easy": "ja"}[lang]     # in the visitor's language


def test_already_booked_on_a_phone_and_cancelled_there(phone, e2e_app, server):
    held = book_by_api(server, slot=2, number="28010-97531", name="Ana Silva", language="en")
    phone.goto("/book?lang=en")
    screen(phone, "start")
    phone.click('[data-service="counseling"]')
    phone.check("#terms-read")
    phone.click("#terms-accept")
    answer_yes(phone)
    phone.click(".slot >> nth=5")
    fill_details(phone, name="Ana Silva", number="28010-97531")
    phone.click("#book")
    phone.wait_for_selector("#existing-actions:not([hidden])", timeout=20000)
    assert_accessible(phone, "phone: already booked (en)")
    shot(phone, "mine-phone-en-9-already-booked")
    phone.click("#existing-open")
    screen(phone, "mine-booking")
    phone.click("#mine-cancel")
    phone.click("#mine-cancel-confirm")
    wait_until(phone, "document.querySelector('#mine-status').dataset.status === 'cancelled'")
    assert status_of(e2e_app, held["booking_id"]) == "cancelled"
    assert_accessible(phone, "phone: cancelled (en)")
    shot(phone, "mine-phone-en-6-cancelled")


def test_on_a_phone_offline_my_booking_says_it_needs_the_connection(phone, e2e_app):
    phone.goto("/book?lang=en")
    screen(phone, "start")
    open_mine(phone)
    phone.context.set_offline(True)
    wait_until(phone, "!document.querySelector('#mine-offline').hidden", timeout=2000)
    assert "needs a connection" in phone.inner_text("#mine-offline") and phone.is_disabled("#mine-find")
    assert_accessible(phone, "phone: my booking offline (en)")
    shot(phone, "mine-phone-en-8-offline")
    phone.context.set_offline(False)
    wait_until(phone, "document.querySelector('#mine-offline').hidden", timeout=2000)


@pytest.mark.parametrize("e2e_settings", [{"KIOSK_IDLE_SECONDS": 24, "KIOSK_IDLE_WARNING_SECONDS": 2}])
def test_a_booking_left_on_the_screen_is_wiped_by_the_idle_reset(page, e2e_app, server):
    booking = book_by_api(server)
    page.clock.install()                                               # the page's timers, moved on by the test
    enroll(page, e2e_app)
    open_mine(page)
    find(page, booking["reference"], "2345")
    screen(page, "mine-booking")
    page.clock.fast_forward(4_500)
    page.wait_for_selector("#idle-dialog[open]")                      # the same warning as on every screen
    page.clock.fast_forward(20_500)
    screen(page, "start")
    html = page.content()
    assert booking["reference"] not in html and booking["room_id"] not in html
    assert status_of(e2e_app, booking["booking_id"]) == "confirmed"
