"""The data as a whole: a consistent backup while the server runs; an office moved between backends."""
import click
from flask.cli import AppGroup, with_appcontext

from ..services import moving
from .common import _out, _state, json_option, office_option, refusals


@click.command(help="Copy the data directory into DEST (new or empty), consistent, while the server runs.")
@click.argument("dest", type=click.Path(file_okay=False))
@json_option
@with_appcontext
def backup(dest, as_json):
    try:
        copied = _state().backend.backup(dest)
    except FileExistsError as err:
        raise click.ClickException(str(err)) from None
    _out(as_json, {"dest": dest, "files": copied}, f"Copied {len(copied)} files to {dest}.")


@click.group(cls=AppGroup, help="Move an office between backends (TinyDB, PostgreSQL): export, import.")
def data():
    pass


@data.command("export", help="Write the office (--office, else the default one) into the new or empty folder DEST.")
@click.argument("dest", type=click.Path(file_okay=False))
@office_option
@json_option
def data_export(dest, as_json):
    s = _state()
    try:
        manifest = moving.export_office(s.store, dest, s.now())
    except FileExistsError as err:
        raise click.ClickException(str(err)) from None
    _out(as_json, manifest, f"Exported {manifest['office']['slug']}: " +
         ", ".join(f"{n} {kind}" for kind, n in manifest["counts"].items() if n) + f" into {dest}.")


@data.command("import", help="Bring an export from SRC into an office that holds nothing yet (--office, else the export's).")
@click.argument("src", type=click.Path(exists=True, file_okay=False))
@click.option("--office", "slug", default=None, metavar="SLUG", help="The office to create or fill (default: the exported office's).")
@json_option
@refusals
def data_import(src, slug, as_json):
    s = _state()
    try:
        result = moving.import_office(s.backend, src, slug, s.now())
    except FileExistsError as err:
        raise click.ClickException(str(err)) from None
    chain = "verifies" if result["audit"]["ok"] else f"does NOT verify: {result['audit']['error']}"
    _out(as_json, result, f"Imported into {result['office']}: " + ", ".join(f"{n} {k}" for k, n in result["counts"].items() if n)
         + f"; the audit chain {chain}.")
    if not result["audit"]["ok"]:
        raise SystemExit(1)
