"""`flask --app app office ...`: the registry of the offices one deployment serves (X8)."""
from datetime import timedelta

import click
from flask.cli import AppGroup

from ..domain.calendar import tokyo
from ..services import offices as office_registry, prefecture
from .common import _actor, _day, _out, _state, json_option, refusals


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


@office.command("stats", help="Every office's counts for a period (no names, numbers or devices): "
                              "bookings, outcomes, no-show rate, languages, channels.")
@click.option("--from", "first", default=None, help="First day, YYYY-MM-DD (default: 27 days before --to).")
@click.option("--to", "last", default=None, help="Last day, YYYY-MM-DD (default: today).")
@json_option
def office_stats(first, last, as_json):
    s = _state()
    last = _day(last) if last else tokyo(s.now()).date()
    first = _day(first) if first else last - timedelta(days=27)
    if first > last or (last - first).days > 366:
        raise click.BadParameter("--from must be before --to, at most a year apart")
    rows = prefecture.summaries(s.backend, first, last)
    lines = [f"{first} to {last}", "office\tbookings\tattended\tno-show\tcancelled\tno-show rate"]
    lines += [f"{r.slug}\t{r.bookings}\t{r.attended}\t{r.no_show}\t{r.cancelled}\t"
              f"{'-' if r.no_show_rate is None else f'{r.no_show_rate:.1%}'}" for r in rows]
    _out(as_json, {"from": first.isoformat(), "to": last.isoformat(), "offices": [r.to_record() for r in rows]},
         "\n".join(lines))
