"""What a prefecture sees of its offices (X8): each office's counts for a period, no personal data.

Each office is read through its own store, so on PostgreSQL every read runs with that office set
(row-level security) exactly as the office's own pages do; nothing here reads across offices in
one query."""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from . import stats


@dataclass(frozen=True)
class OfficeSummary:
    slug: str
    name: str
    bookings: int = 0
    attended: int = 0
    no_show: int = 0
    cancelled: int = 0
    languages: dict = field(default_factory=dict)
    channels: dict = field(default_factory=dict)

    @property
    def no_show_rate(self) -> float | None:
        held = self.attended + self.no_show
        return round(self.no_show / held, 3) if held else None

    def to_record(self) -> dict:
        return {"office": self.slug, "name": self.name, "bookings": self.bookings, "attended": self.attended,
                "no_show": self.no_show, "cancelled": self.cancelled, "no_show_rate": self.no_show_rate,
                "languages": self.languages, "channels": self.channels}


def summaries(backend, first: date, last: date) -> list[OfficeSummary]:
    """Every office's counts from `first` to `last` (days, inclusive), in the registry's order."""
    return [_summary(office, stats.weekly(backend.office(office.slug), first, last)) for office in backend.offices()]


def _summary(office, weeks: list[dict]) -> OfficeSummary:
    languages, channels = Counter(), Counter()
    for w in weeks:
        languages.update(w["languages"])
        channels.update(w["channels"])
    return OfficeSummary(slug=office.slug, name=office.name, bookings=sum(w["bookings"] for w in weeks),
                         attended=sum(w["attended"] for w in weeks), no_show=sum(w["no_show"] for w in weeks),
                         cancelled=sum(w["cancelled"] for w in weeks),
                         languages=dict(languages.most_common()), channels=dict(channels.most_common()))
