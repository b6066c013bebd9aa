"""The staff console on a busy morning, at 1366x768 in Japanese, signed in with a security key
(real Chromium, virtual authenticator): Today's compact list, check-ins from the phone without a
reload, attended and undo, the picker of free times, confirmations, the printed day list, and axe
on every page in Japanese and English."""
import subprocess
from datetime import datetime, timedelta

import pytest

from kiosk.domain.calendar import tokyo
from kiosk.domain.staff import StaffMember
from kiosk.services import kiosks as kiosk_service
from kiosk.services.bookings import booking_result
from tests.e2e.conftest import ARTIFACTS, assert_accessible, page_with_a_key, shot, sign_in_first_admin
from tests.factories import context as booking_context
from tests.factories import jobseeker_no, make_booking

PAGES = ("/staff", "/staff/week", "/staff/visitors", "/staff/kiosks", "/staff/team", "/staff/settings", "/staff/audit",
         "/staff/stats")
NAMES = ["山田 花子", "佐藤 太郎", "鈴木 一郎", "高橋 美咲", "田中 健", "伊藤 さくら", "渡辺 翔", "中村 愛", "小林 大輔",
         "加藤 結衣", "吉田 拓海", "山本 陽菜"]


@pytest.fixture
def console(browser, server, e2e_app):
    """An office PC: 1366x768, Japanese, a security key in the USB port; the first admin signed in."""
    ctx = browser.new_context(base_url=server, locale="ja-JP", viewport={"width": 1366, "height": 768},
                              timezone_id="Asia/Tokyo")
    page = page_with_a_key(ctx)
    sign_in_first_admin(page, e2e_app, name="山田 管理者")
    yield page
    ctx.close()
    assert not page.script_errors, page.script_errors


def office_of(app):
    return app.extensions["madoguchi"]


def save(app, booking):
    store = office_of(app).store
    with store.transaction():
        store.save_booking(booking)
    return booking


def today_at(app, hour, minute):
    now = tokyo(office_of(app).now())
    return now.replace(hour=hour, minute=minute, second=0, microsecond=0)


def busy_morning(app) -> list:
    """Twelve bookings today, two rooms, from 10:00; the sixth one starts now (it can check in)."""
    rooms = [("r1", "845 1111 0001"), ("r2", "845 1111 0002")]
    made = []
    for n, name in enumerate(NAMES):
        start = today_at(app, 10, 0) + timedelta(minutes=30 * (n // 2))
        if n == 5:
            start = tokyo(office_of(app).now()).replace(second=0, microsecond=0)
        room, room_id = rooms[n % 2]
        made.append(save(app, make_booking(start=start, name=name, jobseeker_no=jobseeker_no(), room=room, room_id=room_id,
                                           language="en" if n == 3 else "ja", needs_interpreter=n == 3,
                                           interpreter_language="en" if n == 3 else None)))
    return made


def stored(app, booking_id):
    store = office_of(app).store
    with store.transaction():
        return store.booking(booking_id)


def open_today(page):
    page.goto("/staff")
    page.wait_for_selector('body[data-mode="today"][data-ready]')


def row(page, booking):
    return page.locator(f'#today-rows tr[data-booking="{booking.booking_id}"]')


def menu_action(page, booking, action):
    row(page, booking).locator("summary").click()
    row(page, booking).locator(f'button[data-action="{action}"]').click()


def test_a_busy_morning_shows_eight_rows_above_the_fold_and_a_phone_check_in_turns_its_row_ready(console, phone, e2e_app, server):
    bookings = busy_morning(e2e_app)
    open_today(console)
    console.evaluate("() => { window.notReloaded = true; }")
    assert console.locator("#today-rows tr[data-booking]").count() == 12
    times = console.locator("#today-rows td.time").all_inner_texts()
    assert times == sorted(times)
    visible = console.evaluate("""() => [...document.querySelectorAll('#today-rows tr[data-booking]')]
        .filter((tr) => tr.getBoundingClientRect().bottom <= window.innerHeight).length""")
    shot(console, "console-today-busy-ja")
    assert visible >= 8, f"only {visible} rows above the fold"
    assert console.evaluate("() => Math.max(...[...document.querySelectorAll('#today-rows tr')].map((tr) => tr.getBoundingClientRect().height))") < 48
    shot(console, "console-today-busy-ja")
    row(console, bookings[2]).locator("summary").click()               # the row's menu, open
    console.screenshot(path=str(ARTIFACTS / "console-today-menu-ja.png"))
    row(console, bookings[2]).locator("summary").click()

    waiting = bookings[5]
    assert "ready" not in (row(console, waiting).get_attribute("class") or "")
    join_url = booking_result(waiting, booking_context(office_of(e2e_app), server))["join_url"]
    phone.goto(join_url)
    phone.click('form[action$="/checkin"] button')                 # "I'm ready", on the phone
    phone.wait_for_url("**m=checked_in**")
    assert stored(e2e_app, waiting.booking_id).checked_in_at is not None
    console.wait_for_selector(f'#today-rows tr.ready[data-booking="{waiting.booking_id}"]', timeout=30000)

    late = save(e2e_app, make_booking(start=today_at(e2e_app, 16, 0), name="電話 予約", jobseeker_no=jobseeker_no()))
    console.wait_for_selector(f'#today-rows tr[data-booking="{late.booking_id}"]', timeout=30000)
    assert console.evaluate("() => window.notReloaded === true")
    shot(console, "console-today-ready-ja")


def test_attended_is_one_click_and_can_be_undone(console, e2e_app):
    booking = busy_morning(e2e_app)[0]
    open_today(console)
    row(console, booking).locator('button[data-action="attended"]').click()
    row(console, booking).locator('button[data-action="unattended"]').wait_for()
    assert stored(e2e_app, booking.booking_id).status == "attended"
    assert "来所" in row(console, booking).locator(".badge").inner_text() or row(console, booking).get_attribute("data-status") == "attended"
    row(console, booking).locator('button[data-action="unattended"]').click()
    row(console, booking).locator('button[data-action="attended"]').wait_for()
    assert stored(e2e_app, booking.booking_id).status == "confirmed"
    store = office_of(e2e_app).store
    with store.transaction():
        actions = [e["action"] for e in store.audit_entries(limit=20)]
    assert "booking.attended" in actions and "booking.attended_undone" in actions


def test_a_booking_is_moved_through_the_picker_of_free_times(console, e2e_app):
    booking = busy_morning(e2e_app)[0]
    open_today(console)
    menu_action(console, booking, "reschedule")
    console.wait_for_selector("#move-dialog[open] #move-days button[data-start]")
    assert_accessible(console, "console: the picker of free times")
    shot(console, "console-move-picker-ja")
    first = console.locator("#move-days button[data-start]").first
    start = first.get_attribute("data-start")
    first.click()
    row(console, booking).wait_for(state="detached")              # moved to another day: off today's list
    moved = stored(e2e_app, booking.booking_id)
    assert moved.start == datetime.fromisoformat(start) and moved.rescheduled_from == booking.start


def test_a_refused_move_is_shown_beside_its_row(console, e2e_app):
    bookings = busy_morning(e2e_app)
    open_today(console)
    menu_action(console, bookings[0], "reschedule")
    console.wait_for_selector("#move-dialog[open] #move-days button[data-start]")
    start = console.locator("#move-days button[data-start]").first.get_attribute("data-start")
    store = office_of(e2e_app).store
    for room, room_id in (("r1", "845 1111 0001"), ("r2", "845 1111 0002")):   # someone else takes both rooms meanwhile
        save(e2e_app, make_booking(start=datetime.fromisoformat(start), room=room, room_id=room_id, jobseeker_no=jobseeker_no()))
    console.locator("#move-days button[data-start]").first.click()
    error = console.locator(f'#today-rows tr[data-booking="{bookings[0].booking_id}"] + tr.row-error')
    error.wait_for()
    assert error.inner_text().strip()
    with store.transaction():
        assert store.booking(bookings[0].booking_id).start == bookings[0].start


def test_every_destructive_action_asks_first_and_dismissing_changes_nothing(console, e2e_app):
    booking = busy_morning(e2e_app)[0]
    office = office_of(e2e_app)
    kiosk_service.enroll(office.store, office.now(), "test", "入口")
    with office.store.transaction():
        office.store.save_staff(StaffMember(id="s_colleague", name="佐藤 職員", role="staff", created_at=office.now()))
    open_today(console)
    menu_action(console, booking, "cancel")
    console.wait_for_selector("#confirm-dialog[open]")
    assert "取り消" in console.inner_text("#confirm-text") or console.inner_text("#confirm-text")
    assert_accessible(console, "console: a confirmation")
    shot(console, "console-confirm-cancel-ja")
    console.click("#confirm-no")
    assert stored(e2e_app, booking.booking_id).status == "confirmed"
    menu_action(console, booking, "cancel")
    console.keyboard.press("Escape")                               # dismissed: nothing changes either
    console.wait_for_selector("#confirm-dialog:not([open])", state="attached")
    assert stored(e2e_app, booking.booking_id).status == "confirmed"
    menu_action(console, booking, "cancel")
    console.click("#confirm-yes")
    row(console, booking).locator(".badge.st-cancelled").wait_for()
    assert stored(e2e_app, booking.booking_id).status == "cancelled"

    console.goto("/staff/kiosks")
    console.wait_for_selector("body[data-ready]")
    console.click('[data-kiosk-action="revoke"]')
    console.wait_for_selector("#confirm-dialog[open]")
    assert "入口" in console.inner_text("#confirm-text")
    console.click("#confirm-no")
    with office.store.transaction():
        assert not office.store.kiosk_named("入口").revoked_at

    console.goto("/staff/team")
    console.wait_for_selector("body[data-ready]")
    console.click("[data-revoke]")
    console.wait_for_selector("#confirm-dialog[open]")
    console.keyboard.press("Escape")
    console.click('tr[data-staff="s_colleague"] [data-member-action="disable"]')
    console.wait_for_selector("#confirm-dialog[open]")
    assert "佐藤 職員" in console.inner_text("#confirm-text")
    console.click("#confirm-no")
    with office.store.transaction():
        admin = next(m for m in office.store.staff_members() if m.role == "admin")
        assert [c for c in office.store.credentials(admin.id) if not c.revoked_at]
        assert office.store.staff_member("s_colleague").active
    console.click('tr[data-staff="s_colleague"] [data-member-action="disable"]')
    console.click("#confirm-yes")
    console.wait_for_selector('tr[data-staff="s_colleague"] [data-member-action="enable"]')
    with office.store.transaction():
        assert not office.store.staff_member("s_colleague").active


def test_the_day_list_prints_on_a4_with_office_date_print_time_and_a_tick_column(console, e2e_app, tmp_path):
    bookings = busy_morning(e2e_app)
    open_today(console)
    console.click("#print-list")
    console.wait_for_selector('body[data-mode="print"][data-ready]')
    day = tokyo(office_of(e2e_app).now()).date().isoformat()
    console.emulate_media(media="print")
    pdf = tmp_path / "day.pdf"
    console.pdf(path=str(pdf), format="A4", print_background=True)
    console.emulate_media(media="screen")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "70", "-png", "-singlefile", str(pdf), str(ARTIFACTS / "console-day-list-a4")], check=True)
    with office_of(e2e_app).store.transaction():
        office_name = office_of(e2e_app).store.office.name
    assert office_name in text and day in text and "印刷" in text and "確認" in text
    assert all(b.name in text for b in bookings)
    assert "サインアウト" not in text                               # the console's bar stays off the paper
    shot(console, "console-print-ja")


def test_the_kiosks_page_shows_the_clock_offset_in_seconds_and_a_new_code_with_its_steps(console, e2e_app):
    office = office_of(e2e_app)
    kiosk_service.enroll(office.store, office.now(), "test", "入口")
    with office.store.transaction():
        kiosk = office.store.kiosk_named("入口")
    kiosk_service.report_status(office.store, kiosk, office.now(), 95_400, {"outbox": 0, "dead_letters": 0}, True)
    console.goto("/staff/kiosks")
    console.wait_for_selector("body[data-ready]")
    clock = console.inner_text(f'tr[data-kiosk="{kiosk.id}"] td.clock')
    assert "+95.4 秒" in clock and "60 秒以上" in clock
    console.fill('#enroll-form input[name="name"]', "2階")
    console.click("#enroll-form button[type=submit]")
    console.wait_for_selector("#enroll-code:not([hidden])")
    assert len(console.inner_text("#enroll-code-text")) == 9 and "まで" in console.inner_text("#enroll-expiry")
    assert "/kiosk" in console.inner_text("#enroll-code .steps")
    assert_accessible(console, "console: kiosks with a new code")
    shot(console, "console-kiosks-ja")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_console_page_has_no_axe_violations(console, e2e_app, lang):
    busy_morning(e2e_app)
    for path in PAGES:
        console.goto(f"{path}?lang={lang}")
        console.wait_for_selector("body[data-ready]")
        assert console.get_attribute(f'.staff-nav a[href="{path}"]', "aria-current") == "page"
        assert_accessible(console, f"console {path} ({lang})")
        shot(console, f"console-{path.strip('/').replace('/', '-')}-{lang}")
    console.goto(f"/staff/print?lang={lang}")
    console.wait_for_selector("body[data-ready]")
    assert_accessible(console, f"console print ({lang})")


def test_a_note_and_another_room_are_set_from_the_rows_menu(console, e2e_app):
    booking = busy_morning(e2e_app)[10]                               # 12:30 in room r1; r2 is taken then too
    store = office_of(e2e_app).store
    open_today(console)
    menu_action(console, booking, "note")
    console.wait_for_selector("#note-dialog[open]")
    console.fill("#note-text", "車椅子で来所")
    console.click('#note-dialog button[value="save"]')
    row(console, booking).locator(".row-note").wait_for()
    assert "車椅子で来所" in row(console, booking).inner_text()
    menu_action(console, booking, "room")
    console.wait_for_selector("#room-dialog[open]")
    console.select_option("#room-select", "r2")
    console.click('#room-dialog button[value="save"]')
    error = console.locator(f'#today-rows tr[data-booking="{booking.booking_id}"] + tr.row-error')
    error.wait_for()                                                  # r2 is booked at 12:30: refused beside the row
    with store.transaction():
        assert store.booking(booking.booking_id).room == "r1" and store.booking(booking.booking_id).note == "車椅子で来所"
    free = busy_morning_free_slot(e2e_app)
    menu_action(console, free, "room")
    console.select_option("#room-select", "r2")
    console.click('#room-dialog button[value="save"]')
    console.wait_for_selector(f'#today-rows tr[data-booking="{free.booking_id}"] td:has-text("845 1111 0002")')


def busy_morning_free_slot(app):
    """A booking alone in its slot (15:00, room r1)."""
    return save(app, make_booking(start=today_at(app, 15, 0), name="一人 枠", jobseeker_no=jobseeker_no(), room="r1",
                                  room_id="845 1111 0001"))


def test_a_visitor_look_up_shows_their_bookings_and_offers_lift_only_when_restricted(console, e2e_app):
    booking = busy_morning(e2e_app)[0]
    console.goto("/staff/visitors")
    console.wait_for_selector("body[data-ready]")
    console.fill('#visitor-form input[name="jobseeker_no"]', booking.jobseeker_no)
    console.click("#visitor-form button[type=submit]")
    console.wait_for_selector("#visitor-result:not([hidden])")
    assert console.locator("#visitor-bookings li").count() == 1 and not console.is_visible("#lift")
    console.fill('#restrict-form input[name="reason"]', "暴言")
    console.fill('#restrict-form input[name="until"]', (tokyo(office_of(e2e_app).now()) + timedelta(days=30)).date().isoformat())
    console.click('#restrict-form button[type=submit]')
    console.wait_for_selector("#lift:not([hidden])")
    assert "暴言" in console.inner_text("#visitor-restrictions")
    assert_accessible(console, "console: a visitor looked up")
    shot(console, "console-visitor-ja")
