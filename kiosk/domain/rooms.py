"""Online meeting rooms and which one a visitor gets (C4, C6)."""
from dataclasses import asdict, dataclass

from .errors import RoomUnavailable, SlotFull
from .records import Record

MEETING_APPS = ("zoom", "teleoffice")


@dataclass(frozen=True)
class Room(Record):
    """A counselor's online meeting room; `meeting_id` is the room ID the visitor types."""

    id: str
    app: str
    meeting_id: str
    counselor: str | None = None
    active: bool = True
    demo: bool = False

    def to_record(self) -> dict:
        return asdict(self)   # every field, None included (the CLI's --json shows them)


def normalize_meeting_id(raw: str) -> str:
    """Digits grouped as people read them out: '84512345678' stays readable as '845 1234 5678'."""
    text = " ".join(str(raw).split())
    digits = text.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) in (10, 11):
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    return text


def assign_room(rooms, taken_ids, meeting_app: str | None = None, counselor: str | None = None) -> Room:
    """The counselor's room when free (continuity, C6), else the first free room for the app."""
    free = [r for r in rooms if r.active and r.id not in taken_ids]
    if not free:
        raise SlotFull()
    if meeting_app:
        free = [r for r in free if r.app == meeting_app]
        if not free:
            raise RoomUnavailable()
    if counselor:
        for room in free:
            if room.counselor == counselor:
                return room
    return free[0]


def capacity(rooms) -> int:
    """How many sessions can run in one slot: one per active room."""
    return sum(1 for r in rooms if r.active)
