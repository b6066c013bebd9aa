"""Where each record lives in a data directory (format 2):

  FORMAT                                     "madoguchi-tinydb 2"
  offices.json                               the office registry
  journal/NNNNNNNN.log                       committed changes not yet in the files (journal.py)
  offices/<slug>/office.json                 rooms, closures, events, terms, restrictions, kiosks,
                                             staff, keys, one-time links, rules, meta, booking days
  offices/<slug>/sessions.json               staff sessions and sign-in challenges (hashed IDs)
  offices/<slug>/leases.json                 kiosk leases, one record per unit
  offices/<slug>/dead_letters.json           refused kiosk ops waiting for staff
  offices/<slug>/bookings/YYYY-MM/YYYY-MM-DD.json   the bookings whose session starts that day
  offices/<slug>/index/keys/XYZ.json         booking ID, reference, lease unit -> booking and day
  offices/<slug>/index/visits/XYZ.json       求職番号 -> that visitor's bookings, as short facts
  offices/<slug>/index/receipts/XYZ.json     (kiosk, op_id) -> the result first returned
  offices/<slug>/audit/YYYY-MM.jsonl         the hash-chained audit log
  offices/<slug>/audit/anchor.json           its count and head hash per month, in the same commits

Every .json file is in TinyDB's format. Index files are buckets by the first three hex digits of
the key's SHA-1 (4,096 each), so a lookup reads one small file however long the history.
"""
import hashlib
from datetime import date
from functools import lru_cache
from operator import itemgetter

FORMAT = "madoguchi-tinydb 2"
REGISTRY = "offices.json"

# table -> the field that is each document's natural key
KEYS = {"rooms": "id", "closures": "day", "events": "id", "terms": "key", "restrictions": "id", "kiosks": "id",
        "staff": "id", "credentials": "id", "staff_links": "id", "meta": "key", "days": "day", "sessions": "id",
        "challenges": "id", "leases": "id", "dead_letters": "key", "bookings": "booking_id", "keys": "key",
        "visits": "jobseeker_no", "receipts": "key", "offices": "slug"}


def key_of(table: str):
    return itemgetter(KEYS[table])


@lru_cache(maxsize=4096)
def bucket(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()[:3]


@lru_cache(maxsize=2048)
def _day_path(base: str, day: date) -> str:
    return f"{base}/bookings/{day:%Y-%m}/{day.isoformat()}.json"


class OfficeLayout:
    def __init__(self, slug: str):
        self.base = f"offices/{slug}"
        self.office = f"{self.base}/office.json"
        self.sessions = f"{self.base}/sessions.json"
        self.leases = f"{self.base}/leases.json"
        self.dead_letters = f"{self.base}/dead_letters.json"
        self.audit_folder = f"{self.base}/audit"
        self.audit_anchor = f"{self.base}/audit/anchor.json"   # the chain's count and heads (domain/audit.py)

    def day(self, day: date) -> str:
        return _day_path(self.base, day)

    def index(self, kind: str, key: str) -> str:
        return f"{self.base}/index/{kind}/{bucket(key)}.json"

    def audit(self, month: str) -> str:
        return f"{self.audit_folder}/{month}.jsonl"
