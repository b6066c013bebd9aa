"""Checking JSON bodies against the API's schemas (kiosk/openapi.py), with a clear first error."""
import fastjsonschema
from jsonschema import Draft7Validator

from .domain.errors import InvalidRequest, N_


def _schema_error(error) -> InvalidRequest:
    """A refusal naming the first offending field: unknown, missing or of the wrong kind."""
    path = [str(p) for p in error.path]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        path += sorted(set(error.instance) - set(error.schema.get("properties", {})))[:1]
        message = N_("The field “%(field)s” is not part of this API.")
    elif error.validator == "required" and isinstance(error.instance, dict):
        path += [k for k in error.validator_value if k not in error.instance][:1]
        message = N_("The field “%(field)s” is missing.")
    else:
        message = N_("The field “%(field)s” is not valid.")
    field = "/".join(path) or "body"
    err = InvalidRequest(message, field=field)
    err.field = field
    return err


class Schema:
    """A compiled schema; `check(body)` raises InvalidRequest (400) naming the first bad field.

    A valid body (nearly every one) passes fastjsonschema's generated code; a body it refuses
    is judged by jsonschema, which names the first offending field, and whose verdict counts.
    """

    def __init__(self, schema: dict):
        self.validator = Draft7Validator(schema)
        self._fast = fastjsonschema.compile(schema, use_formats=False)

    def check(self, body) -> None:
        try:
            self._fast(body)
            return
        except fastjsonschema.JsonSchemaException:
            pass
        error = min(self.validator.iter_errors(body), key=lambda e: list(map(str, e.path)), default=None)
        if error is not None:
            raise _schema_error(error)
