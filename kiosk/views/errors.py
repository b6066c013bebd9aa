"""One place that turns refusals and HTTP errors into clear JSON (API) or a plain page."""
from flask import Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from ..domain.errors import DomainError, N_
from ..i18n import translate
from ..web import request_language

HTTP_MESSAGES = {
    400: N_("The request is not valid."),
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method."),
    413: N_("The request is too large."),
    429: N_("Too many requests. Please wait a moment and try again."),
    500: N_("Something went wrong on our side. Nothing was changed. Please try again."),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz" or request.is_json


def describe(err: DomainError, language: str | None = None) -> str:
    """The refusal's message in `language` (a visitor language code), else the request's."""
    return translate(err.message, language or request_language(), getattr(err, "domain", "messages"), **err.params)


def error_response(code: str, message: str, status: int, params=None, field=None, domain="messages", detail=None):
    text = translate(message, request_language(), domain, **(params or {}))
    body = {"error": {"code": code, "message": text}}
    if field:
        body["error"]["field"] = field
    body["error"].update(detail or {})
    if _wants_json():
        response = jsonify(body)
    else:
        response = Response(f"{text}\n", content_type="text/plain; charset=utf-8")
    return response, status


def register_error_handlers(app):
    @app.errorhandler(DomainError)
    def domain_error(err: DomainError):
        response, status = error_response(err.code, err.message, err.status, err.params, getattr(err, "field", None),
                                          getattr(err, "domain", "messages"), getattr(err, "detail", None))
        if getattr(err, "retry_after", None):
            response.headers["Retry-After"] = str(err.retry_after)
        return response, status

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        status = err.code or 500
        message = HTTP_MESSAGES.get(status, HTTP_MESSAGES[400] if status < 500 else HTTP_MESSAGES[500])
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 429: "rate_limited"}.get(status, "invalid_request")
        response, status = error_response(code if status < 500 else "server_error", message, status)
        for name, value in err.get_headers():
            if name == "Allow":                  # a 405 says which methods the address takes
                response.headers[name] = value
        return response, status

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        # Logged with its traceback by Flask; the visitor gets a calm message, never the trace.
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        g.pop("lang", None)
        return error_response("server_error", HTTP_MESSAGES[500], 500)
