"""The README's deployment, for real: nginx terminating TLS in front of `python app.py` with
TRUST_PROXY=1. HSTS reaches the browser, and the per-visitor limits count each visitor, not the proxy."""
import http.client
import json
import os
import shutil
import ssl
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.factories import make_payload
from tests.server_process import free_port, start_server, stop

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

CONF = """
{user}daemon off; pid {dir}/nginx.pid; error_log {dir}/error.log;
events {{ }}
http {{
  access_log off; client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/f; uwsgi_temp_path {dir}/u; scgi_temp_path {dir}/s;
  server {{
    listen 127.0.0.1:{port} ssl;
    server_name localhost;
    ssl_certificate {dir}/cert.pem; ssl_certificate_key {dir}/key.pem;
    client_max_body_size 1m;
    location / {{
      proxy_pass http://127.0.0.1:{app};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }}
  }}
}}
"""


@pytest.fixture
def proxied(tmp_path):
    """(nginx's HTTPS port, the app server) with the README's configuration."""
    if not Path(NGINX).exists():
        pytest.fail("nginx is missing: run `make test` (it installs Debian's nginx-light)")
    folder = tmp_path / "nginx"
    folder.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    port = free_port()
    app = start_server(tmp_path / "data", DEMO=0, TRUST_PROXY=1, PUBLIC_BASE_URL=f"https://localhost:{port}",
                       RATE_LIMIT_BOOKINGS_PER_MINUTE=3)
    user = "user root;\n" if os.geteuid() == 0 else ""     # else its workers run as nobody: pytest's folders are 0700
    (folder / "nginx.conf").write_text(CONF.format(user=user, dir=folder, port=port, app=app.url.rsplit(":", 1)[1]))
    nginx = subprocess.Popen([NGINX, "-c", str(folder / "nginx.conf"), "-p", str(folder)], stderr=subprocess.PIPE)
    try:
        for _ in range(100):
            try:
                request(port, "GET", "/healthz")
                break
            except OSError:
                subprocess.run(["sleep", "0.05"])
        yield port, app
    finally:
        nginx.terminate()
        nginx.wait(10)
        stop(app)


def request(port, method, path, body=None, visitor="127.0.0.1"):
    """An HTTPS request to nginx from the address `visitor` (each 127.x.y.z is a machine of its own)."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, source_address=(visitor, 0), timeout=10)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Content-Type": "application/json", "Host": "localhost"})
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


def test_through_the_proxy_every_page_carries_hsts(proxied):
    port, _ = proxied
    for path in ("/healthz", "/kiosk", "/api/v1/calendar"):
        status, headers, _ = request(port, "GET", path)
        assert status == 200 and headers["Strict-Transport-Security"].startswith("max-age="), (path, headers)


def test_the_booking_limit_counts_each_visitor_behind_the_proxy(proxied):
    port, _ = proxied
    for n in range(8):                                   # eight visitors at the office's Wi-Fi, each on their phone
        visitor = f"127.0.0.{n + 2}"
        answers = [request(port, "POST", "/api/v1/bookings", {}, visitor)[0] for _ in range(4)]
        assert answers[:3] == [400, 400, 400] and answers[3] == 429, (visitor, answers)


def test_a_client_reaching_the_server_directly_cannot_claim_another_address(proxied):
    port, app = proxied
    conn = http.client.HTTPConnection("127.0.0.1", int(app.url.rsplit(":", 1)[1]), source_address=("127.0.0.9", 0))
    answers = []
    for n in range(4):
        conn.request("POST", "/api/v1/bookings", body="{}", headers={"Content-Type": "application/json",
                                                                      "X-Forwarded-For": f"10.0.0.{n}"})
        r = conn.getresponse()
        r.read()
        answers.append(r.status)
    assert answers[3] == 429          # not trusted: its forwarded addresses are ignored, it is one visitor


def test_a_sync_batch_larger_than_other_requests_passes_the_proxy_and_the_server_judges_it(proxied):
    port, _ = proxied                                        # the server takes sync batches up to 1 MB, the rest to 64 KB
    ops = [{"op_id": str(uuid.uuid4()), "seq": n, "type": "booking.create", "created_at": "2026-12-02T10:00:00+09:00",
            "payload": make_payload()} for n in range(150)]
    body = {"schema": 1, "client_sent_at": "2026-12-02T10:00:00+09:00", "ops": ops}
    assert len(json.dumps(body)) > 64 * 1024
    status, _, answer = request(port, "POST", "/api/v1/sync", body)
    assert status == 401 and json.loads(answer)["error"]["code"]          # the app's answer (no token), not nginx's 413
    status, _, answer = request(port, "POST", "/api/v1/bookings", {"name": "x" * 70_000})
    assert status == 413 and json.loads(answer)["error"]["code"] == "too_large"   # the app's own limit, in JSON
