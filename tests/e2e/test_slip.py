"""The printed slip stays short (issue 14 §2): <= 200 mm of 80 mm paper in every language, the room
ID large, the QR code readable. Measured on the PDF Chromium prints, not on the screen."""
import subprocess

import pytest

from kiosk.i18n import NATIVE_NAMES
from tests.e2e.conftest import ARTIFACTS, enroll, wait_until

MAX_MM = 200
PAGE_MARGIN_MM = 3          # @page margin in kiosk.css: the paper runs on this far below the content
DPI = 100

# The slip of a real lease (with its QR), in one language, in its longest form: printed while the
# server does not answer, with the reference and office phone the server will add (issue 14 §2).
RENDER = """async ([lang, variant]) => {
  const i18n = await import('/static/js/i18n.js');
  const { renderSlip } = await import('/static/js/slip.js');
  await i18n.loadStrings(lang);
  i18n.applyStrings();
  const db = await new Promise((r) => { const q = indexedDB.open('madoguchi'); q.onsuccess = () => r(q.result); });
  const leases = await new Promise((r) => { const q = db.transaction('state').objectStore('state').get('leases'); q.onsuccess = () => r(q.result.value); });
  const lease = leases.find((l) => l.slip_svg);
  const office = { name: 'ハローワーク伊丹', name_en: 'Hello Work Itami', phone: '072-772-8609' };
  const event = variant === 'event';
  renderSlip(document.querySelector('#slip'), { ...lease, reference: 'K7M4QX' }, office, event ? 'event' : 'counseling',
             { offline: !event, title: event ? 'Seminar: writing your CV and preparing for interviews' : null });
  document.querySelectorAll('.screen').forEach((s) => { s.hidden = s.dataset.screen !== 'slip'; });
  return document.querySelector('#slip-room').textContent;
}"""


def printed_height_mm(page, tmp_path, name) -> tuple[float, str, float]:
    """Print the slip to an 80 mm PDF: the height down to its last inked row plus the bottom margin,
    what its QR code says, and the room ID's printed size in points."""
    page.emulate_media(media="print")
    room_pt = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#slip-room')).fontSize) * 0.75")
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), width="80mm", height="400mm", print_background=True)
    page.emulate_media(media="screen")
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-singlefile", str(pdf), str(tmp_path / name)], check=True)
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", str(pdf), str(ARTIFACTS / f"slip-print-{name}")], check=True)
    with open(tmp_path / f"{name}.pgm", "rb") as f:
        assert f.readline().strip() == b"P5"
        width, height = map(int, f.readline().split())
        assert int(f.readline()) == 255
        pixels = f.read()
    inked = [y for y in range(height) if min(pixels[y * width:(y + 1) * width]) < 128]
    assert inked, "nothing printed"
    qr = subprocess.run(["zbarimg", "--raw", "-q", str(ARTIFACTS / f"slip-print-{name}.png")], capture_output=True, text=True)
    return (inked[-1] + 1) / DPI * 25.4 + PAGE_MARGIN_MM, qr.stdout.strip(), room_pt


@pytest.fixture
def kiosk_with_leases(page, e2e_app):
    enroll(page, e2e_app)
    wait_until(page, "true")
    return page


@pytest.mark.parametrize("variant", ["counseling", "event"])
def test_the_printed_slip_is_at_most_200_mm_in_every_language(kiosk_with_leases, tmp_path, variant):
    page, heights = kiosk_with_leases, {}
    for lang, _ in NATIVE_NAMES:
        room = page.evaluate(RENDER, [lang, variant])
        height, decoded, room_pt = printed_height_mm(page, tmp_path, f"{variant}-{lang}")
        heights[lang] = round(height)
        assert "/j/" in decoded, f"{lang}: the QR code does not decode"
        assert room.count(" ") == 2 and room_pt >= 20, f"{lang}: the room ID is {room_pt} pt"
        assert page.inner_text("#slip-reference") == "K7M4QX"
    print(f"slip heights ({variant}, mm):", heights)
    assert max(heights.values()) <= MAX_MM, heights
