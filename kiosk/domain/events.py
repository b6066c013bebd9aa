"""Events (S1): seminars, job fairs, selections, tours and meetings, with seats."""
from dataclasses import dataclass, field
from datetime import datetime

from .errors import EventClosed, EventFull
from .records import Record

EVENT_KINDS = ("seminar", "job_fair", "selection", "tour", "meeting")


@dataclass(frozen=True)
class Event(Record):
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
    titles: dict = field(default_factory=dict)   # language -> title; `title` is the Japanese one

    def title_in(self, lang: str) -> str:
        """The title in `lang`, else English, else Japanese (staff enter ja and en at least);
        やさしい日本語 falls back to the Japanese title, which its readers read."""
        if lang == "ja-easy":
            return self.titles.get(lang) or self.title
        return self.titles.get(lang) or self.titles.get("en") or self.title

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
