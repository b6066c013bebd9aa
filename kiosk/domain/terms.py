"""Terms versions and the consent a booking must carry (S1, S8, S9, C1)."""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from .errors import ConsentMissing, TermsNotReadOut, TermsOutdated
from .records import Record

# Which documents a visitor accepts for each service.
REQUIRED_DOCS = {
    "counseling": ("online-services", "online-counseling"),
    "event": ("online-services",),
}


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shown_with_summary(summary: dict, japanese: str) -> str:
    """What a visitor reading a summary language sees: the summary, then the full Japanese text.
    Its sha256 is what their consent names."""
    return json.dumps(summary, ensure_ascii=False, sort_keys=True) + "\n\n" + japanese


@dataclass(frozen=True)
class TermsVersion:
    """One version of one terms document, in Japanese (authoritative) and translations."""

    doc: str
    version: str
    effective_from: date
    texts: dict = field(default_factory=dict)
    title: dict = field(default_factory=dict)
    summaries: dict = field(default_factory=dict)   # lang -> {title, governs, articles}: shown with the Japanese text

    @cached_property
    def digests(self) -> dict:
        """lang -> sha256 of what a visitor reading that language is shown (hashed once per version)."""
        digests = {lang: sha256_text(text) for lang, text in self.texts.items()}
        for lang, summary in self.summaries.items():
            if lang not in digests:
                digests[lang] = sha256_text(shown_with_summary(summary, self.texts["ja"]))
        return digests

    def sha256(self, lang: str = "ja") -> str:
        return self.digests[lang]

    def accepts(self, digest: str) -> bool:
        """The digest is that of this version's text in one of its languages."""
        return digest in self.digests.values()


def current_versions(versions, today: date) -> dict:
    """For each document, the version in force on `today`: the latest that has taken effect."""
    current = {}
    for v in sorted(versions, key=lambda v: (v.effective_from, v.version)):
        if v.effective_from <= today:
            current[v.doc] = v
    return current


def check_consent(consent, service: str, current: dict) -> list:
    """The consent's documents for `service`, each the version in force with a matching digest."""
    accepted = consent.get("terms") if isinstance(consent, dict) else None
    if not accepted:
        raise ConsentMissing()
    by_doc = {entry.get("doc"): entry for entry in accepted if isinstance(entry, dict)}
    recorded = []
    for doc in REQUIRED_DOCS[service]:
        entry = by_doc.get(doc)
        if entry is None:
            raise ConsentMissing()
        version = current.get(doc)
        if version is None or entry.get("version") != version.version or not version.accepts(entry.get("sha256", "")):
            raise TermsOutdated()
        recorded.append({"doc": doc, "version": version.version, "sha256": entry["sha256"]})
    return recorded


@dataclass(frozen=True)
class PublishedTerms(Record):
    """A terms version staff published (the built-in ones live in kiosk/terms/)."""

    doc: str
    version: str
    effective_from: date
    texts: dict
    title: dict
    published_at: datetime
    published_by: str

    def as_version(self) -> TermsVersion:
        return TermsVersion(self.doc, self.version, self.effective_from, self.texts, self.title)


def read_out_consent(read_out, service: str, current: dict, now) -> dict:
    """The consent a caller gives on the phone: staff read the Japanese terms in force out
    (`read_out` is their tick); it names those versions, as a kiosk's consent does."""
    if read_out is not True:
        raise TermsNotReadOut()
    return {"accepted_at": now.isoformat(),
            "terms": [{"doc": doc, "version": current[doc].version, "sha256": current[doc].sha256("ja")}
                      for doc in REQUIRED_DOCS[service] if doc in current]}
