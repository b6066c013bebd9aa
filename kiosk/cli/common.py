"""Helpers the command modules share: the app's state, the actor, output, argument parsing."""
import getpass
import json
from datetime import date, datetime
from functools import wraps

import click
from flask import current_app

from ..domain.calendar import TOKYO
from ..domain.errors import DomainError


class OfficeState:
    """The app's state, with `store` the store of the office the command names (--office)."""

    def __init__(self, state, slug: str | None):
        self._state, self.slug = state, slug

    def __getattr__(self, name):
        return getattr(self._state, name)

    @property
    def store(self):
        try:
            return self._state.backend.office(self.slug)
        except DomainError:
            raise click.ClickException(f"There is no office {self.slug!r} (flask --app app office list).") from None


def _state():
    """The app's state for the command's office; the store it opens is closed when the command
    ends (checkpointed, unless a server runs and checkpoints itself)."""
    state = current_app.extensions["madoguchi"]
    ctx = click.get_current_context(silent=True)
    if ctx is not None and not ctx.meta.get("madoguchi.closing"):
        ctx.meta["madoguchi.closing"] = True
        ctx.find_root().call_on_close(state.close)
    return OfficeState(state, ctx.meta.get("madoguchi.office") if ctx is not None else None)


def _remember_office(ctx, param, value):
    if value:
        ctx.meta["madoguchi.office"] = value
    return value


office_option = click.option("--office", "office_slug", metavar="SLUG", expose_value=False, callback=_remember_office,
                             is_eager=True, help="The office (its short name); the default office when left out.")


def with_office_option(command) -> None:
    """Give a command, and every command of a group, the --office option."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            with_office_option(sub)
    elif not any(p.name == "office_slug" for p in command.params):
        office_option(command)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _out(as_json: bool, data, text: str) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD") from None


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DDTHH:MM (Tokyo time)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)


def refusals(command):
    """Show a domain refusal as a one-line error (exit 1), not a traceback."""
    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except DomainError as err:
            raise click.ClickException(err.message % err.params if err.params else err.message) from None
    return wrapper


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
