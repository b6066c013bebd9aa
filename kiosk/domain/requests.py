"""A booking request as the visitor sent it, checked field by field (S1, C1, C3, C12)."""
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidName, InvalidRequest, N_, NotEligible
from .jobseeker import normalize_jobseeker_no
from .moments import naive_or_aware, parse_moment
from .text import clean_line

LANGUAGES = ("ja", "ja-easy", "en", "zh-Hans", "ko", "pt-BR", "es", "vi", "tl", "ne", "id", "th")

# C3: the counseling terms' eligibility conditions, as yes/no questions.
ELIGIBILITY_QUESTIONS = ("registered", "has_camera_device", "wants_continuous_counseling")
NAME_MAX = 60


def clean_name(raw) -> str:
    """The name as typed, without surrounding or doubled spaces; control characters refused."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidName()
    name = clean_line(raw, NAME_MAX)
    if name is None:
        raise InvalidName(N_("Please enter your name in at most 60 characters."))
    if not name:
        raise InvalidName()
    return name


def check_eligibility(answers: dict, service: str) -> dict:
    """Counseling needs a yes to every eligibility question (C3)."""
    answers = dict(answers or {})
    if service == "counseling" and not all(answers.get(q) is True for q in ELIGIBILITY_QUESTIONS):
        raise NotEligible()
    return answers


@dataclass(frozen=True)
class BookingRequest:
    """What a visitor asked for, normalized; the service decides the rest."""

    booking_id: str
    service: str
    start: datetime | None
    event_id: str | None
    name: str
    jobseeker_no: str
    language: str
    meeting_app: str | None
    needs_interpreter: bool
    interpreter_language: str | None
    needs_assistant: bool
    consent: dict
    eligibility: dict
    counselor: str | None
    lease_unit_id: str | None

    @classmethod
    def from_payload(cls, p: dict) -> "BookingRequest":
        """Normalize a `booking.create` payload whose shape has been checked already."""
        service = p["service"]
        start = None
        if p.get("start"):
            start = parse_moment(p["start"])
            if start is None and naive_or_aware(p["start"], None) is not None:
                raise InvalidRequest(N_("The start time needs a time zone offset, for example +09:00."))
            if start is None:
                raise InvalidRequest(N_("The start time is not a valid date and time."))
        if service == "counseling" and start is None:
            raise InvalidRequest(N_("A counseling booking needs a start time."))
        if service == "event" and not p.get("event_id"):
            raise InvalidRequest(N_("An event booking needs an event_id."))
        interpreter = bool(p.get("needs_interpreter"))
        interpreter_language = clean_line(p.get("interpreter_language") or "", 40, "NFKC")
        if interpreter_language is None:
            raise InvalidRequest(N_("The field “%(field)s” is not valid."), field="interpreter_language")
        interpreter_language = interpreter_language or None
        if interpreter and not interpreter_language:
            raise InvalidRequest(N_("Please tell us the language the interpreter will speak."))
        return cls(
            booking_id=p["booking_id"],
            service=service,
            start=start,
            event_id=p.get("event_id"),
            name=clean_name(p.get("name")),
            jobseeker_no=normalize_jobseeker_no(p.get("jobseeker_no")),
            language=p.get("language", "ja"),
            meeting_app=p.get("meeting_app"),
            needs_interpreter=interpreter,
            interpreter_language=interpreter_language if interpreter else None,
            needs_assistant=bool(p.get("needs_assistant")),
            consent=p.get("consent") or {},
            eligibility=check_eligibility(p.get("eligibility"), service),
            counselor=p.get("counselor"),
            lease_unit_id=p.get("lease_unit_id"),
        )
