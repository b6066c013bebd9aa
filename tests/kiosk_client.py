"""A kiosk in Python that follows sync.md like the PWA does: outbox, seq, push, results.

Integration tests use it against a real server where a browser adds nothing (protocol,
concurrency, crashes); the browser tests drive the real PWA.
"""
import itertools
import uuid
from datetime import datetime

import requests

from kiosk.domain.calendar import TOKYO


class Kiosk:
    def __init__(self, url: str, token: str, session=None, clock=None):
        self.url, self.token = url, token
        self.clock = clock or (lambda: datetime.now(TOKYO))
        self.http = session or requests.Session()
        self.outbox, self.dead_letter, self.confirmed = [], [], {}
        self.leases = {}
        self._seq = itertools.count(1)

    @classmethod
    def enrolled(cls, url: str, code: str, clock=None) -> "Kiosk":
        r = requests.post(f"{url}/api/v1/kiosk/enroll", json={"code": code}, timeout=10)
        r.raise_for_status()
        return cls(url, r.json()["token"], clock=clock)

    def op(self, type_: str, payload: dict, created_at: datetime | None = None) -> dict:
        """Write an op to the outbox first, as the PWA does before showing anything."""
        op = {"op_id": str(uuid.uuid4()), "seq": next(self._seq), "type": type_,
              "created_at": (created_at or self.clock()).isoformat(), "payload": payload}
        self.outbox.append(op)
        return op

    def post(self, ops, **extra):
        body = {"schema": 1, "client_sent_at": self.clock().isoformat(), "ops": ops, **extra}
        return self.http.post(f"{self.url}/api/v1/sync", json=body, timeout=30,
                              headers={"Authorization": f"Bearer {self.token}"})

    def push(self, limit: int | None = None) -> requests.Response:
        """Send the outbox (the first `limit` ops); keep what was not applied, dead-letter what was refused."""
        r = self.post(sorted(self.outbox, key=lambda o: o["seq"])[:limit], have_leases=sorted(self.leases))
        if r.status_code != 200:
            return r
        body = r.json()
        for result in body["results"]:
            op = next(o for o in self.outbox if o["op_id"] == result["op_id"])
            if result["status"] in ("applied", "duplicate"):
                self.outbox.remove(op)
                self.confirmed[op["op_id"]] = result["result"]
            elif result["status"] == "rejected":
                self.outbox.remove(op)
                self.dead_letter.append((op, result["error"]))
        self.leases = {lease["lease_unit_id"]: {**self.leases.get(lease["lease_unit_id"], {}), **lease}
                       for lease in body["leases"]}
        return r
