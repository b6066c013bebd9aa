"""`flask --app app office ...`: the registry of the offices one deployment serves (X8)."""
import click
from flask.cli import AppGroup

from ..services import offices as office_registry
from .common import _actor, _out, _state, json_option, refusals


@click.group(cls=AppGroup, help="The offices this deployment serves (a prefecture: many; one office: just one).")
def office():
    pass


@office.command("add", help="Register an office; its pages and API live under /o/SLUG/.")
@click.argument("slug")
@click.option("--name", required=True, help="Its name in Japanese, as visitors see it.")
@click.option("--name-en", default="", help="Its name in English.")
@click.option("--phone", default="", help="The phone number visitors call (printed on slips).")
@json_option
@refusals
def office_add(slug, name, name_en, phone, as_json):
    s = _state()
    record = office_registry.add_office(s.backend, s.now(), _actor(), slug, name, name_en, phone)
    _out(as_json, record.to_record(), f"Office {record.slug} added: {record.name}. Its kiosks open /o/{record.slug}/kiosk.")


@office.command("list", help="The offices, the default one marked.")
@json_option
def office_list(as_json):
    s = _state()
    offices = s.backend.offices()
    data = [dict(o.to_record(), default=o.slug == s.backend.default_slug) for o in offices]
    _out(as_json, data, "\n".join(f"{o.slug}\t{o.name}\t{o.name_en}\t{o.phone}{'  (default)' if d['default'] else ''}"
                                  for o, d in zip(offices, data)))
