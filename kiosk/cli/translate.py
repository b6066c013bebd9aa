"""`flask --app app translate ...`: the gettext workflow (extract, update, compile) in one place."""
import subprocess
import sys
from pathlib import Path

import click
from babel.messages.pofile import read_po
from flask.cli import AppGroup

from ..i18n import CATALOGS, clear_cache
from .common import _out, json_option

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "translations" / "messages.pot"
STAFF_POT = ROOT / "translations" / "staff.pot"   # the staff console: ja and en, marked S_()


def _pybabel(*args) -> None:
    result = subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise click.ClickException(result.stderr.strip() or "pybabel failed")


def _extract() -> None:
    _pybabel("extract", "-q", "-F", "babel.cfg", "-k", "N_", "-k", "lazy_gettext", "-o", str(POT),
             "--no-location", "--sort-output", ".")
    _pybabel("extract", "-q", "-F", "babel-staff.cfg", "-k", "S_", "--no-default-keywords", "-o", str(STAFF_POT),
             "--no-location", "--sort-output", ".")


@click.group(cls=AppGroup, help="Translations: gettext catalogs in translations/, one per visitor language.")
def translate():
    pass


@translate.command("update", help="Collect the messages from the code and add new ones to every catalog.")
def translate_update():
    _extract()
    _pybabel("update", "-q", "-i", str(POT), "-d", "translations", "--no-fuzzy-matching")
    for folder in ("ja", "en"):
        _pybabel("update", "-q", "-D", "staff", "-i", str(STAFF_POT), "-d", "translations", "-l", folder, "--no-fuzzy-matching")
    click.echo("Catalogs updated; fill the empty msgstr entries, then run `translate compile`.")


@translate.command("init", help="Start a catalog for a new language (a Babel locale name, e.g. fr).")
@click.argument("folder")
def translate_init(folder):
    _extract()
    _pybabel("init", "-i", str(POT), "-d", "translations", "-l", folder)
    click.echo(f"translations/{folder}/LC_MESSAGES/messages.po created; add it to CATALOGS in kiosk/i18n.py.")


@translate.command("compile", help="Compile every catalog (the server reads the compiled .mo files).")
def translate_compile():
    _pybabel("compile", "-q", "-d", "translations")
    _pybabel("compile", "-q", "-D", "staff", "-d", "translations")
    clear_cache()
    click.echo("Catalogs compiled.")


@translate.command("status", help="Each catalog: how much is translated and who reviewed it.")
@json_option
def translate_status(as_json):
    rows = []
    for language, folder in CATALOGS.items():
        with open(ROOT / "translations" / folder / "LC_MESSAGES" / "messages.po", "rb") as f:
            catalog = read_po(f)
        messages = [m for m in catalog if m.id]
        rows.append({"language": language, "catalog": folder, "messages": len(messages),
                     "translated": sum(1 for m in messages if m.string and not m.fuzzy),
                     "review": catalog.last_translator})
    lines = [f"{r['language']:8} {r['translated']:4}/{r['messages']:<4} {r['review']}" for r in rows]
    _out(as_json, rows, "\n".join(lines))
