"""Real `python app.py` processes on one database: they start side by side (no data-directory lock,
no data directory), and what one of them books the other one sees and refuses to book again."""
import requests

from kiosk.services import office as office_service
from tests.factories import NOW, make_payload
from tests.live_api import bookable_starts, live_consent
from tests.server_process import start_server, stop


def test_two_servers_on_one_database_serve_side_by_side_and_share_every_booking(database, backend, tmp_path):
    office_service.add_room(backend.office(), NOW, "test", "zoom", "845 0000 0001")
    data_dir = tmp_path / "instance"
    servers = [start_server(data_dir, DATABASE_URL=database.app_url, DEMO=0, RATE_LIMIT_BOOKINGS_PER_MINUTE=0)
               for _ in range(2)]
    try:
        assert all(requests.get(s.url + "/healthz", timeout=5).json()["storage"]["backend"] == "postgresql"
                   for s in servers)
        start = bookable_starts(servers[0].url, 28)[0]
        payload = make_payload(start=start, consent=live_consent(servers[0].url))
        first = requests.post(f"{servers[0].url}/api/v1/bookings", json=payload, timeout=10)
        again = requests.post(f"{servers[1].url}/api/v1/bookings", json=payload, timeout=10)
        other = requests.post(f"{servers[1].url}/api/v1/bookings", timeout=10,
                              json=make_payload(start=start, consent=payload["consent"]))
        assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
        mine, theirs = first.json()["booking"], again.json()["booking"]
        assert mine.pop("join_url").split("/j/")[1] == theirs.pop("join_url").split("/j/")[1] and mine == theirs
        assert start not in bookable_starts(servers[1].url, 28, each_free_unit=True)
        assert not data_dir.exists()
    finally:
        for server in servers:
            stop(server)
