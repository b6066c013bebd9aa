"""The office's terms documents as data: catalog.json, one text file per version and language
(ja governs, en is a full reference translation), and summary.LANG.json: a plain-language
summary of each article for the other languages, shown above the full Japanese text."""
import json
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..domain.terms import TermsVersion

HERE = Path(__file__).parent


@lru_cache(maxsize=1)
def builtin_versions() -> tuple[TermsVersion, ...]:
    """The versions shipped with Madoguchi (the office's own text, Japanese authoritative)."""
    catalog = json.loads((HERE / "catalog.json").read_text(encoding="utf-8"))
    versions = []
    for doc in catalog["documents"]:
        for v in doc["versions"]:
            folder = HERE / doc["doc"] / v["version"]
            texts = {lang: (folder / f"{lang}.txt").read_text(encoding="utf-8") for lang in v["languages"]}
            summaries = {path.name[len("summary."):-len(".json")]: json.loads(path.read_text(encoding="utf-8"))
                         for path in sorted(folder.glob("summary.*.json"))}
            versions.append(TermsVersion(doc["doc"], v["version"], date.fromisoformat(v["effective_from"]), texts,
                                         doc["title"], summaries))
    return tuple(versions)


def titles() -> dict:
    """Document id -> {lang: title}."""
    catalog = json.loads((HERE / "catalog.json").read_text(encoding="utf-8"))
    return {doc["doc"]: doc["title"] for doc in catalog["documents"]}
