"""What the kiosk does when the visitor cannot go on: a clear message, and nothing stored."""
from tests.e2e.conftest import enroll, enrollment_code, outbox_count, server_bookings, shot
from tests.e2e.test_kiosk_flow import fill_details, walk_to_time
from tests.factories import make_payload
from tests.kiosk_client import Kiosk
from tests.live_api import bookable_starts, live_consent


def nothing_stored(page, app):
    return outbox_count(page) == 0 and server_bookings(app) == []


def test_declining_the_terms_goes_back_to_the_start_and_stores_nothing(page, e2e_app):
    enroll(page, e2e_app)
    page.click('#languages button:text-is("English")')
    page.click('[data-service="counseling"]')
    assert page.is_disabled("#terms-accept")                       # accepting needs an explicit action
    page.click("#terms-decline")
    page.wait_for_selector('section[data-screen="start"]:not([hidden])')
    assert nothing_stored(page, e2e_app)


def test_a_no_to_an_eligibility_question_explains_what_to_do(page, e2e_app):
    enroll(page, e2e_app)
    page.click('#languages button:text-is("English")')
    page.click('[data-service="counseling"]')
    page.check("#terms-read")
    page.click("#terms-accept")
    page.click("#answer-no")
    page.wait_for_selector('section[data-screen="ineligible"]:not([hidden])')
    assert "register at the counter" in page.inner_text("#ineligible-text")
    shot(page, "kiosk-ineligible-en")
    assert nothing_stored(page, e2e_app)


def test_a_wrong_jobseeker_number_is_explained_next_to_the_field(page, e2e_app):
    enroll(page, e2e_app)
    walk_to_time(page, "English")
    page.click(".slot >> nth=5")
    page.fill("#name", "Ana Silva")
    page.fill("#jobseeker", "2801-12345")
    page.click('#details-form button[type="submit"]')
    assert page.inner_text("#jobseeker-error") == "The part before the hyphen must have 5 digits."
    assert page.get_attribute("#jobseeker", "aria-invalid") == "true"
    assert page.is_visible('section[data-screen="details"]')
    shot(page, "kiosk-details-error-en")
    assert nothing_stored(page, e2e_app)


def test_a_slot_taken_meanwhile_by_another_kiosk_sends_the_visitor_back_to_the_times(page, e2e_app, server):
    enroll(page, e2e_app)
    walk_to_time(page, "English")
    page.click(".slot >> nth=5")
    fill_details(page, name="Ana Silva", number="28010-55555")
    # Meanwhile the kiosk by the other door books both rooms of that slot.
    target = bookable_starts(server, 10)[5]
    consent = live_consent(server)
    other = Kiosk.enrolled(server, enrollment_code(e2e_app, "2階"))
    for n in range(2):
        other.op("booking.create", make_payload(start=target, consent=consent, jobseeker_no=f"28010-6666{n}"))
    assert [r["status"] for r in other.push().json()["results"]] == ["applied", "applied"]
    page.click("#book")
    page.wait_for_selector('section[data-screen="time"]:not([hidden])')
    assert "fully booked" in page.inner_text("#time-error")
    shot(page, "kiosk-slot-taken-en")
    assert outbox_count(page) == 0
    assert sorted(b.jobseeker_no for b in server_bookings(e2e_app)) == ["28010-66660", "28010-66661"]
