"""Append new messages and their translations to the gettext catalogs, without rewrapping them.

    .venv/bin/python scripts/add_translations.py messages.json [--domain staff]

messages.json: {"the English msgid": {"ja": "...", "ja_Hira": "...", "en": "...", ...}, ...}, with a
translation for every catalog folder of the domain (the visitor catalogs: all twelve; staff: ja, en).
A msgid the catalog has already is left alone. Written by people, never by a machine translator.
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("messages")
    parser.add_argument("--domain", default="messages")
    args = parser.parse_args()
    messages = json.loads(Path(args.messages).read_text(encoding="utf-8"))
    folders = sorted(p.parent.parent.name for p in (ROOT / "translations").glob(f"*/LC_MESSAGES/{args.domain}.po"))
    missing = [(m, f) for m, texts in messages.items() for f in folders if not texts.get(f)]
    if missing:
        print("missing translations:", missing, file=sys.stderr)
        return 1
    for folder in folders:
        path = ROOT / "translations" / folder / "LC_MESSAGES" / f"{args.domain}.po"
        text = path.read_text(encoding="utf-8")
        added = [f"\nmsgid {quoted(m)}\nmsgstr {quoted(t[folder])}\n" for m, t in messages.items()
                 if f"msgid {quoted(m)}\n" not in text]
        if added:
            path.write_text(text.rstrip("\n") + "\n" + "".join(added), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
