"""The offices of a deployment: one for a single office, many for a prefecture (X8)."""
import re
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidRequest, N_
from .records import Record

SLUG = re.compile(r"^[a-z][a-z0-9-]{1,30}$")


@dataclass(frozen=True)
class Office(Record):
    slug: str
    name: str
    name_en: str = ""
    phone: str = ""
    created_at: datetime | None = None


def check_slug(slug: str) -> str:
    if not isinstance(slug, str) or not SLUG.match(slug):
        raise InvalidRequest(N_("An office's short name has 2 to 31 lowercase letters, digits or hyphens."))
    return slug


def office_path(slug: str, default_slug: str) -> str:
    """The path an office's pages live under: `` for the default office (its URLs are pinned), else `/o/<slug>`."""
    return "" if slug == default_slug else f"/o/{slug}"
