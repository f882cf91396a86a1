"""The OpenAPI 3 description of the JSON API, served at /api/v1/openapi.json."""

from __future__ import annotations

from chalicelib.core import config, tenancy
from chalicelib.core.api_fields import schema_properties
from chalicelib.core.forms import LIMITS
from chalicelib.core.jsontypes import JsonObject
from chalicelib.core.themes import themes
from chalicelib.events.model import AttendanceMode, Event, RegistrationState
from chalicelib.events.parts import Question, Slot, Speaker, Workshop
from chalicelib.registrations.lifecycle import RegistrationStatus

# the API's full version (semantic versioning); its major version is in the path, /api/v1
API_VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


_VERSION_HEADER = {"API-Version": {"$ref": "#/components/headers/API-Version"}}


def _json(schema: JsonObject, description: str) -> JsonObject:
    return {
        "description": description,
        "headers": _VERSION_HEADER,
        "content": {"application/json": {"schema": schema}},
    }


def _problem(description: str, schema: JsonObject | None = None) -> JsonObject:
    return {
        "description": description,
        "headers": _VERSION_HEADER,
        "content": {"application/problem+json": {"schema": schema or _ref("Problem")}},
    }


_ERROR = _problem("RFC 9457 problem details; `detail` in the requested language")
_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 80}}
_TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
# draft-ietf-httpapi-idempotency-key-header: a Structured Field string, or the bare value
_IDEMPOTENCY_KEY = {"$ref": "#/components/parameters/Idempotency-Key"}
_KEY_REUSED = _problem("The Idempotency-Key was used before with another request body")
# the API shows every field of a workshop and of a question: each is required
_WORKSHOP = schema_properties(Workshop, detail=True) | {"places_left": {"type": "integer"}}
_QUESTION = schema_properties(Question, detail=True)

_SCHEMAS: JsonObject = {
    "LibrarySearch": {
        "type": "object",
        "required": ["total", "page", "pages", "materials"],
        "properties": {
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "pages": {"type": "integer"},
            "suggestion": {
                "type": ["string", "null"],
                "description": "A search that finds something, when this one did not",
            },
            "materials": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "title", "themes", "date", "file_type", "download"],
                    "properties": {
                        "id": {"type": "string"},
                        "title": {"type": "string"},
                        "description": {"type": "string"},
                        "themes": {"type": "array", "items": {"type": "string"}},
                        "date": {"type": "string", "format": "date"},
                        "file_type": {"type": "string", "enum": ["pdf", "pptx", "odp", "docx"]},
                        "event": {"type": ["string", "null"]},
                        "snippet": {"type": ["string", "null"], "description": "The matched words in their context"},
                        "download": {"type": "string", "description": "Path that redirects to the file"},
                    },
                },
            },
        },
    },
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": {"type": "string", "description": "about:blank: the status says what kind of problem"},
            "title": {"type": "string", "description": "The status's phrase"},
            "status": {"type": "integer"},
            "detail": {"type": "string", "description": "What went wrong, in the requested language"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "Per field of the request, what is wrong with it (422)",
            },
        },
    },
    "Speaker": {"type": "object", "properties": schema_properties(Speaker, detail=True)},
    "Workshop": {
        "type": "object",
        "description": "One of a workshop round's parallel workshops",
        "required": list(_WORKSHOP),
        "properties": _WORKSHOP,
    },
    "Slot": {"type": "object", "properties": schema_properties(Slot, detail=True)},
    "Question": {
        "type": "object",
        "description": "A question of the meeting's own registration form; answer it in `answers` by its id",
        "required": list(_QUESTION),
        "properties": _QUESTION,
    },
    "Seats": {
        "type": "object",
        "required": ["mode", "places_left", "waiting"],
        "properties": {
            "mode": {"type": "string", "enum": list(AttendanceMode)},
            "places_left": {"type": "integer"},
            "waiting": {"type": "integer"},
        },
    },
    "EventSummary": {
        "type": "object",
        "required": ["slug", "title", "date", "start", "end", "registration"],
        "properties": schema_properties(Event, detail=False)
        | {
            "places_left": {"type": "integer", "description": "On location and online together"},
            "waiting": {"type": "integer"},
            "registration": {"type": "string", "enum": list(RegistrationState)},
            "attendance": {
                "type": "array",
                "description": "The ways to take part, each with its own seats and waiting list; "
                "choose one as `attendance` when registering if there are two",
                "items": _ref("Seats"),
            },
        },
    },
    "Event": {
        "allOf": [
            _ref("EventSummary"),
            {
                "type": "object",
                "properties": {
                    name: schema
                    for name, schema in schema_properties(Event, detail=True).items()
                    if name not in schema_properties(Event, detail=False)
                },
            },
        ]
    },
    "RegistrationRequest": {
        "type": "object",
        "required": ["name", "email", "organisation", "role", "consent"],
        "properties": {
            **{name: {"type": "string", "maxLength": limit} for name, limit in LIMITS.items()},
            "consent": {"type": "boolean", "description": "Agreement to the privacy statement at /privacy"},
            "attendance": {
                "type": "string",
                "enum": list(AttendanceMode),
                "description": "On location or online; required when the event offers both",
            },
            "sessions": {
                "type": "object",
                "description": "A workshop's id by its round's position: one per round, for a seat on location",
                "additionalProperties": {"type": "integer"},
            },
            "answers": {
                "type": "object",
                "description": "Answers to the event's questions by id: text (yesno: 'yes' or 'no'), "
                "or for choices a list of the chosen options",
                "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
            },
        },
    },
    "RegistrationReceived": {
        "type": "object",
        "description": "What was sent, the same for a new registration and for an address registered already; "
        "the personal link goes only to the address, by mail",
        "required": ["event", "email", "name", "attendance", "mail_sent", "detail"],
        "properties": {
            "event": {"type": "string"},
            "email": {"type": "string", "format": "email"},
            "name": {"type": "string"},
            "attendance": {"type": "string", "enum": list(AttendanceMode)},
            "mail_sent": {"type": "boolean", "description": "false: send the registration again in a few minutes"},
            "detail": {"type": "string"},
        },
    },
    "RegistrationStatus": {
        "type": "object",
        "required": ["status"],
        "properties": {
            "status": {"type": "string", "enum": list(RegistrationStatus)},
            "event": {"type": "string"},
            "name": {"type": "string"},
            "attendance": {"type": "string", "enum": list(AttendanceMode)},
            "waiting_position": {"type": ["integer", "null"]},
        },
    },
}


def document() -> JsonObject:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Netwerkportaal API",
            "version": API_VERSION,
            "description": "Events of the regional network, registration for them, and the public part of the "
            "knowledge library. Messages follow Accept-Language (nl, en); Dutch by default. Errors are RFC 9457 "
            "problem details.",
            "contact": {
                "name": tenancy.current().title["nl"],
                "email": config.contact_address(),
                "url": f"{config.base_url()}/toegankelijkheid",
            },
        },
        "servers": [{"url": f"{config.base_url()}/api/v1"}],
        "paths": {
            "/events": {
                "get": {
                    "summary": "Published events, upcoming (ascending) or past (descending), paginated",
                    "parameters": [
                        {"name": "when", "in": "query", "schema": {"type": "string", "enum": ["upcoming", "past"]}},
                        {
                            "name": "after",
                            "in": "query",
                            "schema": {"type": "string", "minLength": 1, "maxLength": 2000},
                            "description": "`next` of the previous page: opaque and signed, valid for this list only",
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "properties": {
                                    "events": {"type": "array", "items": _ref("EventSummary")},
                                    "next": {"type": ["string", "null"]},
                                },
                            },
                            "A page of events",
                        ),
                        "400": _ERROR,
                    },
                }
            },
            "/kennisbank": {
                "get": {
                    "summary": "Search the public materials of the knowledge library (titles, descriptions, themes, "
                    "speakers, organisations and the text inside the files), best first; ten a page",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 200}},
                        {"name": "thema", "in": "query", "schema": {"type": "string", "enum": list(themes())}},
                        {"name": "bijeenkomst", "in": "query", "schema": {"type": "string", "maxLength": 80}},
                        {
                            "name": "type",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["pdf", "pptx", "odp", "docx"]},
                        },
                        {"name": "jaar", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{4}$"}},
                        {
                            "name": "pagina",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 10_000},
                        },
                    ],
                    "responses": {"200": _json(_ref("LibrarySearch"), "A page of materials"), "400": _ERROR},
                }
            },
            "/events/{slug}": {
                "get": {
                    "summary": "One event with its programme",
                    "parameters": [_SLUG],
                    "responses": {"200": _json(_ref("Event"), "The event"), "404": _ERROR},
                }
            },
            "/events/{slug}/registrations": {
                "post": {
                    "summary": "Register; confirmed while seats last, then on the waiting list; the personal link goes by mail",
                    "parameters": [_SLUG, _IDEMPOTENCY_KEY],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("RegistrationRequest")}},
                    },
                    "responses": {
                        "202": _json(
                            _ref("RegistrationReceived"),
                            "Received: the seat (or the place on the waiting list) is held, and the personal link "
                            "is mailed to the address; an address registered already gets its link again",
                        ),
                        "400": _ERROR,
                        "404": _ERROR,
                        "409": _problem(
                            "Registration is closed, or the first request with this Idempotency-Key is still being "
                            "carried out (try again after Retry-After)"
                        ),
                        "415": _ERROR,
                        "422": _problem("The body is not valid, or its Idempotency-Key was used with another body"),
                    },
                }
            },
            "/registrations/{token}": {
                "get": {
                    "summary": "A registration, through its personal token",
                    "parameters": [_TOKEN],
                    "responses": {"200": _json(_ref("RegistrationStatus"), "The registration"), "404": _ERROR},
                },
                "delete": {
                    "summary": "Cancel; the first person waiting gets the seat",
                    "parameters": [_TOKEN, _IDEMPOTENCY_KEY],
                    "responses": {
                        "200": _json(
                            _ref("RegistrationStatus"), "Cancelled (by this request, or by the first with its key)"
                        ),
                        "400": _ERROR,
                        "404": _ERROR,
                        "409": _problem("Cancelled already (without an Idempotency-Key), or the meeting has begun"),
                        "422": _KEY_REUSED,
                    },
                },
            },
        },
        "components": {
            "schemas": _SCHEMAS,
            "parameters": {
                "Idempotency-Key": {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "A key of the client's choosing, new for every new request (a UUID): a repeat "
                    "with the same key and body within 24 hours gets the first one's status and body and changes "
                    "nothing (no second registration, no second mail); with another body it is a 422. A "
                    'Structured Field string ("…") or the bare value; 1-255 visible ASCII characters.',
                    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
                }
            },
            "headers": {
                "API-Version": {
                    "description": "The API's full version (semantic versioning)",
                    "schema": {"type": "string", "example": API_VERSION},
                }
            },
        },
    }
