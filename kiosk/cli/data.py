"""The data directory as a whole: a consistent backup while the server runs."""
import click
from flask.cli import with_appcontext

from .common import _out, _state, json_option


@click.command(help="Copy the data directory into DEST (new or empty), consistent, while the server runs.")
@click.argument("dest", type=click.Path(file_okay=False))
@json_option
@with_appcontext
def backup(dest, as_json):
    if _state().settings.DATABASE_URL:
        raise click.ClickException("The data is in PostgreSQL: back it up with pg_dump (README: Running on PostgreSQL).")
    try:
        copied = _state().backend.backup(dest)
    except FileExistsError as err:
        raise click.ClickException(str(err)) from None
    _out(as_json, {"dest": dest, "files": copied}, f"Copied {len(copied)} files to {dest}.")
