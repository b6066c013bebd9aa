"""Events (S1): seminars, job fairs, selections, tours and meetings, with seats."""
from dataclasses import asdict, dataclass
from datetime import datetime

from .errors import EventClosed, EventFull

EVENT_KINDS = ("seminar", "job_fair", "selection", "tour", "meeting")


@dataclass(frozen=True)
class Event:
    """An online event that visitors book a seat at."""

    id: str
    kind: str
    title: str
    start: datetime
    end: datetime
    capacity: int
    meeting_app: str
    room_id: str
    cancelled_reason: str | None = None
    demo: bool = False

    @classmethod
    def from_record(cls, record: dict) -> "Event":
        values = {k: record[k] for k in cls.__dataclass_fields__ if k in record}
        values["start"] = datetime.fromisoformat(values["start"])
        values["end"] = datetime.fromisoformat(values["end"])
        return cls(**values)

    def to_record(self) -> dict:
        record = asdict(self)
        record["start"] = self.start.isoformat()
        record["end"] = self.end.isoformat()
        return record

    @property
    def cancelled(self) -> bool:
        return self.cancelled_reason is not None

    def seats_free(self, seats_taken: int) -> int:
        return max(0, self.capacity - seats_taken)

    def check_bookable(self, seats_taken: int, now: datetime) -> None:
        """A seat can be booked until the event starts, while seats are left."""
        if self.cancelled or now >= self.start:
            raise EventClosed()
        if seats_taken >= self.capacity:
            raise EventFull()
