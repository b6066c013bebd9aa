"""The 求職番号 (job seeker number): five digits, a hyphen, four to eight digits."""
import re
import unicodedata

from .errors import InvalidJobseekerNo, N_

# Dashes a visitor may type on a Japanese keyboard in place of a hyphen.
DASHES = "‐‑‒–—―−ー－ｰ"
PATTERN = re.compile(r"(\d{5})-(\d{4,8})")


def normalize_jobseeker_no(raw) -> str:
    """The number in its canonical form `12345-6789`, or InvalidJobseekerNo saying what is wrong."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidJobseekerNo(N_("Please enter your job seeker number (for example 28010-12345)."))
    text = unicodedata.normalize("NFKC", raw)
    text = "".join("-" if ch in DASHES else ch for ch in text)
    text = "".join(text.split())
    if not re.fullmatch(r"[0-9-]+", text):
        raise InvalidJobseekerNo(N_("A job seeker number has only digits and one hyphen (for example 28010-12345)."))
    if "-" not in text and 9 <= len(text) <= 13:
        text = f"{text[:5]}-{text[5:]}"
    parts = text.split("-")
    if len(parts) != 2:
        raise InvalidJobseekerNo(N_("A job seeker number has one hyphen after the first five digits (for example 28010-12345)."))
    head, tail = parts
    if len(head) != 5:
        raise InvalidJobseekerNo(N_("The part before the hyphen must have 5 digits (for example 28010-12345)."))
    if not 4 <= len(tail) <= 8:
        raise InvalidJobseekerNo(N_("The part after the hyphen must have 4 to 8 digits (for example 28010-12345)."))
    return text


def last_digits(jobseeker_no: str, count: int = 4) -> str:
    """The last digits, which a visitor types to prove a cancel is theirs."""
    return jobseeker_no.replace("-", "")[-count:]
