"""The service worker's precache list holds the whole shell, so the kiosk reloads offline."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_script_style_and_icon_of_the_shell_is_precached(client):
    listed = set(client.get("/pwa/shell.json").json["precache"])
    static = ROOT / "pwa" / "static"
    # The staff console works online only (its sign-in needs the server): not in the kiosk's shell.
    shell = {f"/static/{p.relative_to(static)}" for p in static.rglob("*") if p.suffix in (".js", ".css", ".png")
             and p.name != "sw.js" and not p.name.startswith("staff.")}
    assert shell <= listed, sorted(shell - listed)
    assert {"/kiosk", "/i18n/ja.json", "/i18n/en.json", "/i18n/ja-easy.json", "/manifest.webmanifest"} <= listed


def test_every_precached_address_answers(client):
    for path in client.get("/pwa/shell.json").json["precache"]:
        assert client.get(path).status_code == 200, path


def test_the_service_worker_is_served_for_the_root_scope(client):
    r = client.get("/sw.js")
    assert r.status_code == 200 and r.headers["Service-Worker-Allowed"] == "/"
    assert r.headers["Cache-Control"] == "no-cache" and "javascript" in r.content_type


def test_the_api_is_never_cached(client):
    assert client.get("/api/v1/calendar").headers["Cache-Control"] == "no-store"
