"""The OpenAPI document of /api/v1; the booking schema here is also what the API validates against."""
from . import __version__
from .domain.events import EVENT_KINDS
from .domain.requests import LANGUAGES
from .domain.rooms import MEETING_APPS

ID = {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"}

BOOKING_CREATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["booking_id", "service", "name", "jobseeker_no", "language", "consent"],
    "properties": {
        "booking_id": {**ID, "description": "Made by the client (a UUID); the request is idempotent on it."},
        "service": {"type": "string", "enum": ["counseling", "event"]},
        "start": {"type": "string", "format": "date-time", "maxLength": 40,
                  "description": "Counseling: the slot's start with offset, e.g. 2026-12-03T10:30:00+09:00."},
        "event_id": {"type": "string", "maxLength": 64},
        "lease_unit_id": {"type": "string", "maxLength": 64},
        "name": {"type": "string", "maxLength": 200},
        "jobseeker_no": {"type": "string", "maxLength": 40,
                         "description": "5 digits, hyphen, 4 to 8 digits; full-width digits and spaces accepted."},
        "language": {"type": "string", "enum": list(LANGUAGES)},
        "meeting_app": {"type": "string", "enum": list(MEETING_APPS)},
        "counselor": {"type": "string", "maxLength": 60},
        "needs_interpreter": {"type": "boolean"},
        "interpreter_language": {"type": "string", "maxLength": 40},
        "needs_assistant": {"type": "boolean"},
        "consent": {
            "type": "object",
            "additionalProperties": False,
            "required": ["terms"],
            "properties": {
                "accepted_at": {"type": "string", "maxLength": 40},
                "language": {"type": "string", "enum": list(LANGUAGES)},
                "terms": {
                    "type": "array", "maxItems": 10,
                    "items": {
                        "type": "object", "additionalProperties": False,
                        "required": ["doc", "version", "sha256"],
                        "properties": {
                            "doc": {"type": "string", "maxLength": 40},
                            "version": {"type": "string", "maxLength": 40},
                            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        },
                    },
                },
            },
        },
        "eligibility": {
            "type": "object", "maxProperties": 10,
            "additionalProperties": {"type": "boolean"},
        },
    },
}

OP_TYPES = ["booking.create", "event.book", "booking.cancel", "checkin", "lease.release"]

SAFE_INT = 2 ** 53 - 1   # what a kiosk's JavaScript counts exactly

SYNC_OP = {
    "type": "object", "additionalProperties": False,
    "required": ["op_id", "seq", "type", "created_at", "payload"],
    "properties": {
        "op_id": ID,
        "seq": {"type": "integer", "minimum": 0, "maximum": SAFE_INT},
        "type": {"type": "string", "enum": OP_TYPES},
        "created_at": {"type": "string", "maxLength": 40},
        "confirm_by": {"type": "string", "maxLength": 40},
        "payload": {"type": "object", "maxProperties": 40},
    }}

SYNC_STATUS = {"type": "object", "additionalProperties": False, "properties": {
    "outbox": {"type": "integer", "minimum": 0, "maximum": SAFE_INT},
    "dead_letters": {"type": "integer", "minimum": 0, "maximum": SAFE_INT},
    "persisted": {"type": "boolean"}, "app_version": {"type": "string", "maxLength": 40},
    "done_commands": {"type": "array", "maxItems": 20, "items": {"type": "string", "maxLength": 64}}}}

# The envelope: what makes a batch a batch. A malformed envelope is a 400 and nothing is applied;
# an op that breaks SYNC_OP is that op's `rejected` (sync.md: one bad op never blocks the outbox).
SYNC_REQUEST = {
    "type": "object",
    "additionalProperties": False,
    "required": ["schema", "ops"],
    "properties": {
        "schema": {"type": "integer", "enum": [1]},
        "client_sent_at": {"type": "string", "maxLength": 40},
        "ops": {"type": "array", "maxItems": 500, "items": SYNC_OP},
        "status": SYNC_STATUS,
        "have_leases": {"type": "array", "maxItems": 500, "items": {"type": "string", "maxLength": 64}},
        "slips_for": {"type": "array", "maxItems": 50, "items": {"type": "string", "maxLength": 64}},
    },
}
SYNC_ENVELOPE = dict(SYNC_REQUEST, properties=dict(SYNC_REQUEST["properties"], ops={"type": "array", "maxItems": 500},
                                                   status={"type": "object"}))

BOOKING_LOOKUP = {"type": "object", "additionalProperties": False, "required": ["reference", "last4"],
                  "properties": {"reference": {"type": "string", "minLength": 1, "maxLength": 20},
                                 "last4": {"type": "string", "minLength": 1, "maxLength": 12},
                                 "language": {"type": "string", "enum": list(LANGUAGES)}}}

BOOKING_REF = {"type": "object", "additionalProperties": False, "required": ["booking_id"],
               "properties": {"booking_id": ID}}
LEASE_RELEASE = {"type": "object", "additionalProperties": False, "required": ["lease_unit_ids"],
                 "properties": {"lease_unit_ids": {"type": "array", "maxItems": 500,
                                                   "items": {"type": "string", "maxLength": 64}}}}

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"}}}},
}

BOOKING = {
    "type": "object",
    "required": ["booking_id", "status", "service", "start", "end", "room_id", "meeting_app", "join_url"],
    "properties": {
        "booking_id": {"type": "string"},
        "status": {"type": "string", "enum": ["confirmed", "attended", "cancelled", "no_show"]},
        "service": {"type": "string", "enum": ["counseling", "event"]},
        "start": {"type": "string", "format": "date-time"},
        "end": {"type": "string", "format": "date-time"},
        "room_id": {"type": ["string", "null"]},
        "meeting_app": {"type": ["string", "null"]},
        "join_url": {"type": "string"},
        "event_id": {"type": "string"},
    },
}


def _error_responses(*codes):
    text = {400: "Malformed or invalid request", 403: "Refused for this visitor", 404: "Not found",
            409: "Conflict (full, or the booking_id was used for another request)", 413: "Body too large",
            422: "Refused by the office's rules", 429: "Too many requests"}
    return {str(c): {"description": text[c], "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            for c in codes}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def document() -> dict:
    day = {"type": "object", "required": ["date", "open", "reason", "slots"], "properties": {
        "date": {"type": "string", "format": "date"}, "open": {"type": "boolean"},
        "reason": {"type": ["string", "null"], "enum": [None, "weekend", "holiday", "year_end", "closure"]},
        "bookable": {"type": "boolean"}, "cutoff": {"type": "string", "format": "date-time"},
        "slots": {"type": "array", "items": {"type": "object", "required": ["start", "free"], "properties": {
            "start": {"type": "string", "format": "date-time"}, "free": {"type": "integer", "minimum": 0},
            "free_by_app": {"type": "object", "additionalProperties": {"type": "integer"}}}}}}}
    event = {"type": "object", "properties": {
        "event_id": {"type": "string"}, "kind": {"type": "string", "enum": list(EVENT_KINDS)},
        "title": {"type": "string"}, "start": {"type": "string", "format": "date-time"},
        "end": {"type": "string", "format": "date-time"}, "capacity": {"type": "integer"},
        "free": {"type": "integer"}, "meeting_app": {"type": "string"}, "cancelled": {"type": "boolean"},
        "bookable": {"type": "boolean"}}}
    terms = {"type": "object", "properties": {
        "doc": {"type": "string", "enum": ["online-services", "online-counseling"]},
        "version": {"type": "string"}, "lang": {"type": "string"}, "title": {"type": "string"},
        "sha256": {"type": "string"}, "effective_from": {"type": "string", "format": "date"},
        "governing": {"type": "boolean"}, "text": {"type": "string"}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Madoguchi API", "version": __version__,
                 "description": "Booking API of Madoguchi. Errors are {\"error\": {\"code\", \"message\"}} "
                                "with the message in the request's language (Accept-Language or the booking's language)."},
        "paths": {
            "/healthz": {"get": {"summary": "Liveness and storage state", "responses": {
                "200": _json({"type": "object", "required": ["status", "version", "storage"]})}}},
            "/api/v1/calendar": {"get": {
                "summary": "Open days and free counseling slots",
                "parameters": [
                    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"},
                     "description": "First day (YYYY-MM-DD), at most 366 days from today; today in Tokyo when absent."},
                    {"name": "days", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 62}},
                ],
                "responses": {"200": _json({"type": "object", "required": ["days"], "properties": {
                    "days": {"type": "array", "items": day}}}), **_error_responses(400)}}},
            "/api/v1/events": {"get": {"summary": "Events that have not ended, with free seats", "responses": {
                "200": _json({"type": "object", "required": ["events"], "properties": {
                    "events": {"type": "array", "items": event}}})}}},
            "/api/v1/terms": {"get": {
                "summary": "The terms versions in force, full text, per language",
                "parameters": [{"name": "lang", "in": "query", "schema": {"type": "string", "enum": list(LANGUAGES)},
                                "description": "Also return this language's text (Japanese always comes)."}],
                "responses": {"200": _json({"type": "object", "required": ["terms"], "properties": {
                    "terms": {"type": "array", "items": terms}}}), **_error_responses(400)}}},
            "/api/v1/bookings": {"post": {
                "summary": "Create a booking (phones); idempotent on booking_id",
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/BookingCreate"}}}},
                "responses": {
                    "201": _json({"type": "object", "required": ["booking"], "properties": {
                        "booking": {"$ref": "#/components/schemas/Booking"}}}, "Created"),
                    "200": _json({"type": "object", "required": ["booking"], "properties": {
                        "booking": {"$ref": "#/components/schemas/Booking"}}}, "The same request again"),
                    **_error_responses(400, 403, 404, 409, 413, 422, 429)}}},
            "/api/v1/bookings/lookup": {"post": {
                "summary": "My booking: find one's booking by its reference and the last 4 digits of the 求職番号",
                "requestBody": {"required": True, "content": {"application/json": {"schema": BOOKING_LOOKUP}}},
                "responses": {"200": _json({"type": "object", "required": ["booking"], "properties": {
                    "booking": {"$ref": "#/components/schemas/Booking"}}}), **_error_responses(400, 404, 429)}}},
            "/api/v1/join/{token}": {"get": {
                "summary": "A booking's live status for its join page (no personal data)",
                "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 400}}],
                "responses": {"200": _json({"type": "object", "required": ["booking"]}), **_error_responses(404)}}},
            "/api/v1/join/{token}/checkin": {"post": {
                "summary": "I'm ready: check in from 15 minutes before the start",
                "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 400}}],
                "responses": {"200": _json({"type": "object", "required": ["booking"]}), **_error_responses(404, 409)}}},
            "/api/v1/join/{token}/cancel": {"post": {
                "summary": "Cancel (announced, not a strike), proven with the last 4 digits of the 求職番号",
                "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 400}}],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "required": ["last4"],
                    "properties": {"last4": {"type": "string", "maxLength": 8},
                                   "language": {"type": "string", "enum": list(LANGUAGES)}}}}}},
                "responses": {"200": _json({"type": "object", "required": ["booking"]}),
                              **_error_responses(400, 403, 404, 409, 429)}}},
            "/api/v1/office": {"get": {"summary": "The office's name, services and booking settings", "responses": {
                "200": _json({"type": "object", "required": ["office", "services", "settings", "server_time"]})}}},
            "/api/v1/openapi.json": {"get": {"summary": "This document", "responses": {"200": _json({"type": "object"})}}},
        },
        "components": {"schemas": {"BookingCreate": BOOKING_CREATE, "Booking": BOOKING, "Error": ERROR}},
    }
