"""Hostile input on every route: no server error, nothing echoed unescaped.

Every route of the access matrix (tests/support/access.py) gets an input of every category of the
shared corpus (tests/support/hostile_corpus.py) in every value it reads: a path parameter, a query
parameter, a form or JSON field (the other fields valid, with a valid CSRF token, so that the request
reaches validation), sent by an anonymous visitor, a member or an organiser in turn; a route that
reads no value of its own gets them in its headers and cookies. Each value and route gets other
inputs of each category than the next, so the whole corpus is spread over the routes; the worst
inputs go into every value besides, and a raw JSON body gets the whole corpus. The headers and
cookies every route reads (sessie, csrf, lang, Accept-Language, X-Forwarded-For, Host, Content-Type,
the whole Cookie header, a query parameter's name) each get the whole corpus, spread over the routes.
`make fuzz` (FUZZ=full) sends every input of the corpus into every route instead. The parsers behind
the values get the whole corpus each, in process: tests/views/test_fuzz_parsers.py.

Checked on every answer: no status of 500 or more, no line break in a response header, and in
HTML and XML no markup from the corpus unescaped. After each route: the queued mail, sign-in,
export and index work run through their workers (no failure, no header added to a mail), the pages
that list what its posts stored are read (stored markup), the registrations export has no formula
cell, and the table is put back as it was, so that every route meets the same world. All findings
are collected and reported together, with route, field, visitor, input and status; the counts
(routes, values, categories, inputs, requests, server errors) are printed at the end of the run.

Through `chalice.test.Client`, path parameters arrive as sent: its router does not percent-decode
them as API Gateway does, and urlsplit drops tabs and line breaks. So "/", "?", "#", ";", tab, CR
and LF are sent percent-encoded in a path segment (the view gets "a%2Fb"); the rest arrives as is.
"""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import logging
import os
import re
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast
from urllib.parse import quote, urlencode

import markupsafe
import pytest
import requests
from chalice.test import Client
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from chalicelib.accounts import groups
from chalicelib.core import aws, clock, config
from chalicelib.core.keys import email_key
from chalicelib.core.object_keys import document_object
from chalicelib.events.forms import event_values, slot_values
from chalicelib.events.model import Event
from chalicelib.events.parts import Slot as ProgrammeSlot
from chalicelib.events.parts import Workshop
from chalicelib.events.store import event_store
from chalicelib.library import files, group_documents, materials, speakers
from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus
from chalicelib.registrations import service as registration
from devtools.queueworker import deliver_all, workers
from devtools.resources import SES_EVENTS
from tests.support.access import MATRIX, SLUG
from tests.support.accounts import make_account, sign_in
from tests.support.aws import LOCAL_STAGE, REGION, deliver_exports
from tests.support.checks import MARKER, TAG, problems
from tests.support.documents import pdf
from tests.support.factories import build_event, registration_form
from tests.support.hostile_corpus import CATEGORIES, category_of, corpus, describe
from tests.support.web import FormSession

Key = tuple[str, str]  # (method, route)
INPUTS = corpus()
# `make fuzz` (FUZZ=full): every input of the corpus into every route, instead of each category into each value
FULL = os.environ.get("FUZZ") == "full"
ROLES = ("anonymous", "member", "organiser")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"

# -- what each route reads ------------------------------------------------------------------------

EVENT_FIELDS = (
    "title",
    "slug",
    "date",
    "start",
    "end",
    "venue",
    "capacity",
    "online_capacity",
    "online_link",
    "room",
    "address",
    "summary",
    "description",
    "audience",
    "roles",
    *(f"theme_{i}" for i in range(5)),
    "registration_deadline",
    "publish_slides_after",
)
SLOT_FIELDS = ("version", "start", "end", "title", "speakers")
QUESTION_FIELDS = ("label", "kind", "help", "required", "options", "version")
NEWS_FIELDS = ("title", "body", "published_at")
LIBRARY_QUERY = ("q", "thema", "bijeenkomst", "type", "jaar", "pagina")
APIS = ("/api/v1", "/api")  # the API, and its paths before versioning (redirects that keep the query and body)

# query parameters each route reads (views and the services they call, grepped)
QUERY: dict[Key, tuple[str, ...]] = {
    ("GET", "/events"): ("when", "after"),
    ("GET", "/r/{token}"): ("nieuw", "mail", "geannuleerd"),
    ("GET", "/taal/{code}"): ("next",),
    ("GET", "/inloggen"): ("next",),
    ("GET", "/account"): ("opgeslagen", "bereikbaar"),
    ("GET", "/beheer/accounts"): ("status", "na"),
    ("GET", "/beheer/onbereikbaar"): ("adres", "opgeheven"),
    ("GET", "/spreker/{token}"): ("opgeslagen", "verwijderd"),
    ("GET", "/spreker/{token}/klaar"): ("key",),
    ("GET", "/groepen/{name}/documenten/{document_id}"): ("nieuw", "opgeslagen"),
    ("GET", "/groepen/{name}/documenten/{document_id}/klaar"): ("key",),
    ("GET", "/kennisbank"): LIBRARY_QUERY,
    ("GET", "/beheer/materialen"): ("na",),
    ("GET", "/beheer/materialen/{material_id}"): ("opgeslagen", "nieuw"),
    ("GET", "/beheer/bijeenkomsten"): ("status", "na"),
    ("GET", "/beheer/bijeenkomsten/{slug}"): ("opgeslagen", "status", "verzending"),
    ("GET", "/beheer/bijeenkomsten/{slug}/aanmeldingen"): ("q", "status", "na"),
    ("GET", "/beheer/bijeenkomsten/{slug}/wijziging-mailen"): ("over",),
    ("GET", "/beheer/bijeenkomsten/{slug}/presentielijst"): ("workshop",),
    ("GET", "/beheer/bijeenkomsten/{slug}/inchecken"): ("q", "gedaan", "na"),
    ("GET", "/beheer/bijeenkomsten/{slug}/sprekers"): ("gedaan", "onderdeel", "spreker"),
    ("GET", "/beheer/documenten/klaar"): ("key",),
    ("GET", "/beheer/logboek"): ("maand", "na"),
    ("GET", "/nieuws"): ("na",),
    ("GET", "/beheer/nieuws"): ("na",),
    **{("GET", f"{api}/events"): ("when", "after") for api in APIS},
    **{("GET", f"{api}/kennisbank"): LIBRARY_QUERY for api in APIS},
}

# form fields each form reads (the page's form, and the service's `form.get`)
FORM: dict[Key, tuple[str, ...]] = {
    ("POST", "/events/{slug}/aanmelden"): ("name", "email", "organisation", "role", "attendance", "remarks", "consent"),
    ("POST", "/inloggen"): ("email", "next"),
    ("POST", "/groepen/{name}/documenten/nieuw"): ("title",),
    ("POST", "/groepen/{name}/documenten/{document_id}"): (
        "version",
        "title",
        "access",
        *(f"theme_{i}" for i in range(5)),
    ),
    ("POST", "/beheer/bijeenkomsten/{slug}/export"): ("formaat",),
    ("POST", "/beheer/bijeenkomsten/{slug}/evaluatie/export"): ("formaat",),
    ("POST", "/r/{token}/evaluatie"): ("meeting", "slot1", "slot2", "slot3", "remarks"),
    ("POST", "/r/{token}/workshops"): ("round_4",),
    ("POST", "/r/{token}/deelname"): ("attendance",),
    ("POST", "/beheer/bijeenkomsten/{slug}/vragen"): QUESTION_FIELDS,
    ("POST", "/beheer/bijeenkomsten/{slug}/vragen/{question_id}"): QUESTION_FIELDS,
    ("POST", "/beheer/bijeenkomsten/{slug}/vragen/{question_id}/verwijderen"): ("version",),
    ("POST", "/beheer/nieuwsbrief/export"): ("formaat",),
    ("POST", "/account/aanvragen"): ("name", "email", "organisation", "job", "reason", "newsletter"),
    ("POST", "/account"): ("name", "organisation", "job", "newsletter"),
    ("POST", "/account/verwijderen"): ("confirm",),
    ("POST", "/beheer/accounts/{key}/rol"): ("access",),
    ("POST", "/beheer/nieuwsbrief"): ("subject", "body", "confirm"),
    ("POST", "/beheer/materialen/{material_id}/{action}"): ("next",),
    ("POST", "/beheer/bijeenkomsten"): EVENT_FIELDS,
    ("POST", "/beheer/bijeenkomsten/{slug}"): ("version", "status", *EVENT_FIELDS[:1], *EVENT_FIELDS[2:]),
    ("POST", "/beheer/bijeenkomsten/{slug}/verwijderen"): ("version",),
    ("POST", "/beheer/bijeenkomsten/{slug}/status/{action}"): ("version",),
    ("POST", "/beheer/bijeenkomsten/{slug}/status/annuleren"): ("version",),
    ("POST", "/beheer/bijeenkomsten/{slug}/wijziging-mailen"): ("version", "over"),
    ("POST", "/beheer/bijeenkomsten/{slug}/programma"): SLOT_FIELDS,
    ("POST", "/beheer/bijeenkomsten/{slug}/programma/{position}"): SLOT_FIELDS,
    ("POST", "/beheer/bijeenkomsten/{slug}/programma/{position}/{action}"): ("version",),
    ("POST", "/beheer/bijeenkomsten/{slug}/bericht"): ("subject", "body"),
    ("POST", "/beheer/bijeenkomsten/{slug}/sprekers"): ("name", "organisation", "email", "slot_1", "slot_2", "slot_3"),
    ("POST", "/beheer/materialen/{material_id}"): (
        "title",
        "description",
        "access",
        "status",
        *(f"theme_{i}" for i in range(5)),
    ),
    ("POST", "/beheer/domeinen"): ("domain",),
    ("POST", "/beheer/domeinen/verwijderen"): ("domain",),
    ("POST", "/beheer/nieuws"): NEWS_FIELDS,
    ("POST", "/beheer/nieuws/{slug}"): NEWS_FIELDS,
}

# JSON fields of the API's one POST; its whole body is fuzzed too
JSON_FIELDS: dict[Key, tuple[str, ...]] = {
    ("POST", f"{api}/events/{{slug}}/registrations"): (
        "name",
        "email",
        "organisation",
        "role",
        "remarks",
        "attendance",
        "consent",
    )
    for api in APIS
}

# path parameters filled with objects that exist, so that the route reads its other values;
# the rest keep the matrix's values (unknown objects: deleting routes delete nothing real)
REAL: dict[Key, dict[str, str]] = {
    ("GET", "/r/{token}"): {"token": "reg_token"},
    ("GET", "/r/{token}/annuleren"): {"token": "reg_token"},
    ("GET", "/r/{token}/evaluatie"): {"token": "reg_token"},
    ("GET", "/r/{token}/certificaat"): {"token": "reg_token"},
    ("POST", "/r/{token}/evaluatie"): {"token": "reg_token"},
    ("POST", "/r/{token}/workshops"): {"token": "reg_token"},
    ("POST", "/r/{token}/deelname"): {"token": "reg_token"},
    ("GET", "/spreker/{token}"): {"token": "speaker_token"},
    ("GET", "/spreker/{token}/klaar"): {"token": "speaker_token"},
    ("GET", "/spreker/{token}/bestanden/{material_id}/verwijderen"): {"token": "speaker_token"},
    ("POST", "/spreker/{token}/bestanden/{material_id}/verwijderen"): {"token": "speaker_token"},
    ("GET", "/kennisbank/{material_id}/download"): {"material_id": "material_id"},
    ("GET", "/nieuws/{slug}"): {"slug": "news_slug"},
    **{("GET", f"{api}/registrations/{{token}}"): {"token": "reg_token"} for api in APIS},
    ("POST", "/beheer/accounts/{key}/{status}"): {"key": "pending_key"},
    ("POST", "/beheer/accounts/{key}/rol"): {"key": "colleague_key"},
    ("GET", "/beheer/exports/{export_id}"): {"export_id": "export_id"},
    ("GET", "/beheer/exports/{export_id}/status"): {"export_id": "export_id"},
    ("GET", "/beheer/exports/{export_id}/bestand"): {"export_id": "export_id"},
    ("GET", "/beheer/verzendingen/{job_id}"): {"job_id": "job_id"},
    ("GET", "/beheer/verzendingen/{job_id}/voortgang"): {"job_id": "job_id"},
    ("POST", "/beheer/verzendingen/{job_id}/opnieuw"): {"job_id": "job_id"},
    ("POST", "/beheer/materialen/{material_id}/{action}"): {"material_id": "material_id"},
    ("GET", "/beheer/materialen/{material_id}/downloads"): {"material_id": "material_id"},
    ("GET", "/beheer/materialen/{material_id}"): {"material_id": "material_id"},
    ("POST", "/beheer/materialen/{material_id}"): {"material_id": "material_id"},
    ("POST", "/beheer/bijeenkomsten/{slug}/aanmeldingen/{key}/{action}"): {"key": "reg_key"},
    ("POST", "/beheer/bijeenkomsten/{slug}/sprekers/{speaker_id}/{action}"): {"speaker_id": "speaker_id"},
    ("GET", "/beheer/nieuws/{slug}"): {"slug": "news_slug"},
    ("POST", "/beheer/nieuws/{slug}"): {"slug": "news_slug"},
    **{
        (method, f"/groepen/{{name}}/documenten/{{document_id}}{tail}"): {
            "name": "group",
            "document_id": "group_document",
        }
        for method, tail in (("GET", ""), ("POST", ""), ("GET", "/klaar"), ("GET", "/versies/{number}"))
    },
    ("POST", "/groepen/{name}/documenten/{document_id}/intrekken"): {"name": "group", "document_id": "group_document"},
}

# routes that end the session they are sent with: only anonymous visitors send them
ENDS_SESSION = {("POST", "/uitloggen")}


@dataclass(frozen=True)
class Slot:
    """Where an input goes: a path parameter, query parameter, form or JSON field, the whole body,
    a cookie, a header, or a query parameter's name."""

    kind: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


# read by every route (the middleware reads the cookies, the API Accept-Language, Chalice Content-Type)
AMBIENT = (
    Slot("cookie", "sessie"),
    Slot("cookie", "csrf"),
    Slot("cookie", "lang"),
    Slot("header", "cookie"),
    Slot("header", "accept-language"),
    Slot("header", "x-forwarded-for"),
    Slot("header", "host"),
    Slot("header", "content-type"),
    Slot("query-name", "*"),
)

# the worst inputs, sent into every field of every route besides the turn each field gets
FOCUS = [
    "x\r\nBcc: injected@evil.example",
    "x\nBcc: injected@evil.example",
    "Onderwerp\r\nX-Injected: yes\r\n\r\n<script>alert('body')</script>",
    "'><img src=x onerror=alert('xss3')>",
    "\x00",
    "²",
    "\u202e",
    "[" * 2000,
]


@dataclass(frozen=True)
class Target:
    method: str
    route: str
    params: dict[str, str]  # a value for each path parameter
    slots: tuple[Slot, ...]  # the values this route reads besides headers and cookies
    roles: tuple[str, ...]  # who sends, in turn (organiser routes: mostly organisers)

    @property
    def key(self) -> Key:
        return (self.method, self.route)


def _matrix_params(route: str, path: str) -> dict[str, str]:
    return {
        name[1:-1]: value for name, value in zip(route.split("/"), path.split("/"), strict=True) if name.startswith("{")
    }


def _roles(key: Key) -> tuple[str, ...]:
    route = key[1]
    if key in ENDS_SESSION:
        return ("anonymous",)
    if route.startswith("/beheer"):
        return ("organiser",) * 8 + ("member", "anonymous")
    if route in ("/account", "/account/verwijderen", "/account/bereikbaar"):
        return ("member", "organiser") * 4 + ("anonymous",)
    return ROLES


def _slots(key: Key) -> tuple[Slot, ...]:
    path_params = [Slot("path", name[1:-1]) for name in key[1].split("/") if name.startswith("{")]
    query = [Slot("query", name) for name in QUERY.get(key, ())]
    form = [Slot("form", name) for name in FORM.get(key, ())]
    body = [Slot("json", name) for name in JSON_FIELDS.get(key, ())]
    whole = [Slot("body", "json")] if key in JSON_FIELDS else []
    return (*path_params, *query, *form, *body, *whole)


def targets(objects: dict[str, str], where: Callable[[str], bool]) -> list[Target]:
    """Every matrix route whose path `where` accepts, with real objects where the route needs them."""
    found = []
    for method, route, path in MATRIX:
        if not where(route):
            continue
        params = _matrix_params(route, path)
        params.update({name: objects[obj] for name, obj in REAL.get((method, route), {}).items()})
        found.append(Target(method, route, params, _slots((method, route)), _roles((method, route))))
    return found


# -- the world the requests meet ------------------------------------------------------------------


@dataclass
class World:
    client: Client
    people: dict[str, FormSession]
    objects: dict[str, str]
    counter: Iterator[int] = field(default_factory=itertools.count)
    cached_event: Event | None = None  # as stored, until a post may have changed it

    def event(self) -> Event:
        """The event as stored (read again only after a post that may have changed it)."""
        if self.cached_event is None:
            self.cached_event = event_store().get(SLUG)
        assert self.cached_event is not None
        return self.cached_event

    def unique(self) -> int:
        """A new number every 16th call: one post in 16 makes something new (an address, a title), the
        others meet what exists. Every new item makes moto slower (each transaction copies the table)."""
        return next(self.counter) // 16


def _material(slug: str) -> str:
    """A published public material of the event, as an upload leaves it once described."""
    material_id = f"{slug}.0123456789ab"
    key = document_object(material_id, f"{'0' * 16}.pdf")
    files.put(key, PDF, "pdf", "verslag.pdf")
    material = Material(
        id=material_id,
        title="Verslag",
        file_type=FileType.PDF,
        access=MaterialAccess.PUBLIC,
        date=date(2027, 3, 18),
        object_key=key,
        size=len(PDF),
        filename="verslag.pdf",
        uploaded_at=clock.now(),
        event_slug=slug,
        status=MaterialStatus.PUBLISHED,
    )
    materials.save(material)
    return material_id


def _location(response: Any) -> str:
    assert response.status_code == 303, response.body
    return str(response.headers["Location"]).split("?")[0]


def build_world(client: Client, make_event: Callable[..., Any]) -> World:
    """An event with a registration, a speaker, a material, a news article, an export, a mail job,
    a member (subscribed to the newsletter), an organiser, a colleague, an account waiting for approval
    and a working group with a draft document.
    The event has a workshop round (slot 4), so that choosing a workshop reads its field."""
    event = build_event()
    workshops = (Workshop(1, "Online onrust", 5, "Zaal 1"), Workshop(2, "Casus Rotterdam", 5, "Zaal 2"))
    make_event(programme=[*event.programme, ProgrammeSlot(4, "14:40", "15:20", "Workshopronde", workshops=workshops)])
    make_account("lid@rotterdam.nl", newsletter="yes")
    make_account("org@zwijndrecht.nl", access="organiser")
    make_account("wacht@rotterdam.nl", status="pending")
    make_account("collega@rotterdam.nl")  # whose role the organiser changes
    people = {
        "anonymous": FormSession(client),
        "member": sign_in(FormSession(client), "lid@rotterdam.nl"),
        "organiser": sign_in(FormSession(client), "org@zwijndrecht.nl"),
    }
    reg = registration.register(SLUG, registration_form(email="deelnemer@rotterdam.nl", round_4="1"), "nl").registration
    speaker, url = speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    organiser = people["organiser"]
    news = organiser.post("/beheer/nieuws", {"title": "Nieuwsbericht", "body": "Tekst."})
    export = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/export", {})
    job = organiser.post("/beheer/nieuwsbrief", {"subject": "Nieuwsbrief", "body": "Tekst.", "confirm": "yes"})
    # the meeting lies ahead: its door opens early, so that check-in is tried and its page lists names
    opened = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/inchecken/openen", {})
    assert news.status_code == opened.status_code == 303, news.body
    # a working group's draft, which the organiser (who sees every group) may publish
    groups.create("org@zwijndrecht.nl", {"name": "drivergroep", "title": "Drivergroep"})
    draft = group_documents.add_by_command(
        "drivergroep", "Concept", pdf("Concept"), "concept.pdf", "org@zwijndrecht.nl"
    )
    objects = {
        "group": "drivergroep",
        "group_document": draft.document_id,
        "reg_token": reg.token,
        "reg_key": reg.key,
        "speaker_token": url.rsplit("/", 1)[1],
        "speaker_id": speaker.id,
        "material_id": _material(SLUG),
        "news_slug": "nieuwsbericht",
        "export_id": _location(export).rsplit("/", 1)[1],
        "job_id": _location(job).rsplit("/", 1)[1],
        "pending_key": email_key("wacht@rotterdam.nl"),
        "colleague_key": email_key("collega@rotterdam.nl"),
    }
    return World(client, people, objects)


# valid forms, so that the one hostile value is what the route meets
def _registration(world: World) -> dict[str, str]:
    return registration_form(email=f"deelnemer{world.unique()}@zwijndrecht.nl", round_4="1")


def _new_event(world: World) -> dict[str, str]:
    return {
        "title": f"Netwerkbijeenkomst {world.unique()}",
        "slug": "",
        "date": "2027-09-18",
        "start": "13:15",
        "end": "17:00",
        "venue": "Stadhuis Dordrecht",
        "capacity": "40",
        "roles": "Aandachtsfunctionaris",
        "theme_0": "yes",
        "registration_deadline": "2027-09-11T17:00",
    }


def _event(world: World) -> dict[str, str]:
    return event_values(world.event())


def _version(world: World) -> dict[str, str]:
    return {"version": str(world.event().version)}


def _new_slot(world: World) -> dict[str, str]:
    return {**_version(world), "start": "16:00", "end": "16:30", "title": "Afsluiting", "speakers": ""}


def _slot(world: World) -> dict[str, str]:
    event = world.event()
    first = next(s for s in event.programme if s.position == 1)
    return {**slot_values(first), "version": str(event.version)}


def _material_form(world: World) -> dict[str, str]:
    return {"title": "Verslag", "description": "", "access": "public", "status": "published", "theme_0": "yes"}


BASE: dict[Key, Callable[[World], dict[str, str]]] = {
    ("POST", "/events/{slug}/aanmelden"): _registration,
    ("POST", "/inloggen"): lambda w: {"email": "lid@rotterdam.nl", "next": "/account"},
    ("POST", "/account/aanvragen"): lambda w: {
        "name": "Marjolein de Vries",
        "email": f"aanvraag{w.unique()}@rotterdam.nl",
        "organisation": "Gemeente Rotterdam",
        "job": "Beleidsadviseur",
        "reason": "Netwerk",
        "newsletter": "yes",
    },
    ("POST", "/account"): lambda w: {"name": "Marjolein de Vries", "organisation": "Gemeente", "job": "Adviseur"},
    ("POST", "/beheer/accounts/{key}/rol"): lambda w: {"access": "member"},
    ("POST", "/beheer/nieuwsbrief"): lambda w: {"subject": "Nieuwsbrief", "body": "Tekst.", "confirm": "yes"},
    ("POST", "/beheer/materialen/{material_id}/{action}"): lambda w: {"next": "/beheer/materialen"},
    ("POST", "/beheer/bijeenkomsten"): _new_event,
    ("POST", "/beheer/bijeenkomsten/{slug}"): _event,
    ("POST", "/beheer/bijeenkomsten/{slug}/verwijderen"): _version,
    ("POST", "/beheer/bijeenkomsten/{slug}/status/{action}"): _version,
    ("POST", "/beheer/bijeenkomsten/{slug}/programma"): _new_slot,
    ("POST", "/beheer/bijeenkomsten/{slug}/programma/{position}"): _slot,
    ("POST", "/beheer/bijeenkomsten/{slug}/programma/{position}/{action}"): _version,
    ("POST", "/beheer/bijeenkomsten/{slug}/bericht"): lambda w: {"subject": "Bericht", "body": "Tekst."},
    ("POST", "/beheer/bijeenkomsten/{slug}/sprekers"): lambda w: {
        "name": "Spreker",
        "organisation": "Movisie",
        "email": f"spreker{w.unique()}@movisie.nl",
        "slot_3": "yes",
    },
    ("POST", "/beheer/materialen/{material_id}"): _material_form,
    ("POST", "/beheer/domeinen"): lambda w: {"domain": f"gemeente{w.unique()}.nl"},
    ("POST", "/beheer/domeinen/verwijderen"): lambda w: {"domain": "bestaat-niet.nl"},
    ("POST", "/beheer/nieuws"): lambda w: {"title": f"Bericht {w.unique()}", "body": "Tekst."},
    ("POST", "/beheer/nieuws/{slug}"): lambda w: {"title": "Nieuwsbericht", "body": "Tekst."},
    # publishing the group's draft: each valid post replaces the same material's file
    ("POST", "/groepen/{name}/documenten/{document_id}"): lambda w: {
        "version": "1",
        "title": "Handreiking",
        "access": "members",
    },
}


def _api_registration(world: World) -> dict[str, Any]:
    return {**_registration(world), "consent": True, "sessions": {"4": 1}}


# -- sending ----------------------------------------------------------------------------------------

_SEGMENT_UNSAFE = str.maketrans({c: quote(c, safe="") for c in "/?#;\t\r\n"})


class _Recorder:
    """Stands in for the test client, so that FormSession writes the form post it would send
    (its CSRF token is FormSession's business) and this module can send it with other headers."""

    def __init__(self) -> None:
        self.http = self
        self.sent: dict[str, Any] = {}

    def post(self, path: str, **kwargs: Any) -> None:
        self.sent = kwargs


def form_request(person: FormSession, form: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    recorder = _Recorder()
    twin = copy.copy(person)
    twin.client = cast(Client, recorder)
    twin.post("/", form)
    body = recorder.sent["body"]
    return body.encode() if isinstance(body, str) else body, dict(recorder.sent["headers"])


def _with_cookie(cookie_header: str, name: str, value: str) -> str:
    jar = dict(part.split("=", 1) for part in cookie_header.split("; ") if "=" in part)
    jar[name] = value
    return "; ".join(f"{key}={val}" for key, val in jar.items())


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def _path(target: Target, slot: Slot, value: str) -> str:
    params = dict(target.params)
    if slot.kind == "path":
        params[slot.name] = value.translate(_SEGMENT_UNSAFE)
    path = "/".join(params[part[1:-1]] if part.startswith("{") else part for part in target.route.split("/"))
    if slot.kind == "query":
        path += "?" + urlencode({slot.name: value}, quote_via=quote, errors="surrogatepass")
    elif slot.kind == "query-name":
        path += "?" + urlencode({value: "1"}, quote_via=quote, errors="surrogatepass")
    return path


def _body(world: World, target: Target, person: FormSession, slot: Slot, value: str) -> tuple[bytes, dict[str, str]]:
    if target.key in JSON_FIELDS:
        document = _api_registration(world)
        if slot.kind == "json":
            document[slot.name] = value
        raw = value.encode("utf-8", "surrogatepass") if slot.kind == "body" else json.dumps(document).encode()
        return raw, {"content-type": "application/json", "cookie": person.cookie}
    if target.method != "POST":
        return b"", {"cookie": person.cookie}
    form = BASE[target.key](world) if target.key in BASE else {}
    if slot.kind == "form":
        form[slot.name] = value
    return form_request(person, form)


def build_request(world: World, target: Target, slot: Slot, value: str, role: str) -> Request:
    person = world.people[role]
    body, headers = _body(world, target, person, slot, value)
    if slot.kind == "cookie":
        headers["cookie"] = _with_cookie(headers["cookie"], slot.name, value)
    elif slot.kind == "header":
        headers[slot.name] = value
    return Request(target.method, _path(target, slot, value), headers, body)


# -- checking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    kind: str
    method: str
    route: str
    slot: str
    role: str
    value: str
    status: int
    detail: str
    trace: str  # the traceback's last lines, when there was one

    def group(self) -> tuple[str, ...]:
        return (self.kind, self.method, self.route, self.slot, str(self.status), self.detail, self.trace)


class Traces(logging.Handler):
    """Keeps the traceback of the newest error logged with one (Chalice logs each unhandled exception)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            lines = traceback.format_exception(record.exc_info[1])
            self.last = "".join(lines[-3:]).strip()

    def take(self) -> str:
        last, self.last = self.last, ""
        return last


@dataclass
class Run:
    """Sends requests, checks each answer, and keeps counts and findings."""

    world: World
    traces: Traces
    snapshot: list[dict[str, Any]]  # the world's items, put back after each route
    record: Callable[[str, object], None] | None = None  # record_property: the counts go to the run's summary
    requests: int = 0
    unrouted: int = 0
    findings: list[Finding] = field(default_factory=list)
    seconds: dict[Key, float] = field(default_factory=dict)  # time spent per route, sending and checking
    statuses: Counter[int] = field(default_factory=Counter)
    reached: dict[Key, set[int]] = field(default_factory=dict)  # inputs that reached each route
    # categories that reached each value of each route
    categories: dict[tuple[Key, str], set[str]] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    cpu_started: float = field(default_factory=time.process_time)

    def send(self, target: Target, slot: Slot, index: int, role: str) -> None:
        started = time.perf_counter()
        try:
            self._send(target, slot, index, role)
        finally:
            self.seconds[target.key] = self.seconds.get(target.key, 0.0) + time.perf_counter() - started

    def _send(self, target: Target, slot: Slot, index: int, role: str) -> None:
        value = INPUTS[index]
        request = build_request(self.world, target, slot, value, role)
        self.requests += 1
        self.reached.setdefault(target.key, set()).add(index)
        self.categories.setdefault((target.key, str(slot)), set()).add(category_of(value))
        self.traces.take()
        try:
            response = self.world.client.http.request(
                request.method, request.path, headers=request.headers, body=request.body
            )
        except Exception as error:  # an exception out of the app is a finding like a 500
            if isinstance(error, ValueError) and "No matching route" in str(error):
                self.unrouted += 1  # API Gateway answers these itself
                return
            trace = "".join(traceback.format_exception(error)[-3:]).strip()
            kind = "exception out of the app"
            self.findings.append(Finding(kind, *target.key, str(slot), role, value, 0, type(error).__name__, trace))
            return
        self.statuses[response.status_code] += 1
        if request.method != "GET" and response.status_code < 400:
            self.world.cached_event = None  # the post may have changed the event
        for kind, detail in problems(value, response):
            trace = self.traces.take() if kind == "server error" else ""
            finding = Finding(kind, *target.key, str(slot), role, value, response.status_code, detail, trace)
            self.findings.append(finding)

    def add(self, kind: str, where: str, value: str, detail: str, trace: str = "") -> None:
        self.findings.append(Finding(kind, "-", where, "-", "-", value, 0, detail, trace))


def _slot_for(target: Target, turn: int, value: str) -> Slot:
    slots = target.slots or AMBIENT
    slot = slots[turn % len(slots)]
    if slot.kind == "path" and value == "":  # an empty segment names another route
        return AMBIENT[turn % len(AMBIENT)]
    return slot


def every_input(run: Run, target: Target) -> None:
    """`make fuzz`: each input once, into the route's values in turn, sent by its visitors in turn."""
    width = len(target.slots or AMBIENT)
    offset = zlib.crc32(" ".join(target.key).encode())  # the same turns whatever other routes exist
    for index, value in enumerate(INPUTS):
        role = target.roles[(index // width + offset) % len(target.roles)]
        run.send(target, _slot_for(target, index + offset, value), index, role)


def _of_each_category(turn: int, slot: Slot) -> list[int]:
    """One input of every category (by its index in INPUTS), another one at each turn; never an empty
    path segment (it names another route)."""
    chosen = []
    for values in CATEGORIES.values():
        usable = [v for v in values if v or slot.kind != "path"]
        chosen.append(INPUTS.index(usable[turn % len(usable)]))
    return chosen


def each_category_in_each_value(run: Run, target: Target) -> None:
    """`make test`: an input of every category into every value the route reads (a route that reads
    none: into the headers and cookies in turn), a different one of each category for each value
    and route, sent by the route's visitors in turn."""
    offset = zlib.crc32(" ".join(target.key).encode())  # the same turns whatever other routes exist
    for s, slot in enumerate(target.slots or AMBIENT[:1]):
        for c, index in enumerate(_of_each_category(offset + s, slot)):
            role = target.roles[(offset + s + c) % len(target.roles)]
            run.send(target, slot if target.slots else AMBIENT[(offset + c) % len(AMBIENT)], index, role)


def worst_inputs(run: Run, target: Target) -> None:
    """The worst inputs into each of the route's values; a raw JSON body gets the whole corpus."""
    for slot in target.slots:
        for value in INPUTS if slot.kind == "body" else FOCUS:
            if not (slot.kind == "path" and value == ""):
                run.send(target, slot, INPUTS.index(value), target.roles[0])


def every_input_on_every_route(run: Run, chosen: list[Target]) -> None:
    """Route by route, each starting from the same world: what one route's posts stored is shown
    on the pages that list it, then taken away again (moto slows down with every item it holds)."""
    for target in chosen:
        if FULL:
            every_input(run, target)
        else:
            each_category_in_each_value(run, target)
        worst_inputs(run, target)
        queued_work(run)
        if target.key in BASE or target.key in JSON_FIELDS:
            stored_markup(run)
        if target.key in EXPORTED:
            export_cells(run)
        restore(run.snapshot)
        run.world.cached_event = None


def every_input_in_every_header_and_cookie(run: Run, chosen: list[Target]) -> None:
    """Each header and cookie gets the whole corpus, the requests spread over the routes and visitors."""
    for a, slot in enumerate(AMBIENT):
        for index in range(len(INPUTS)):
            target = chosen[(index * 7 + a * 13) % len(chosen)]
            run.send(target, slot, index, target.roles[(index + a) % len(target.roles)])
        queued_work(run)
        restore(run.snapshot)
        run.world.cached_event = None


# pages that list what posts store, seen by an organiser (who sees drafts too) and the member
SHOWCASE = [
    *(
        ("organiser", path)
        for path in (
            "/",
            "/events",
            f"/events/{SLUG}",
            "/nieuws",
            "/nieuws.atom",
            "/nieuws/nieuwsbericht",
            "/beheer",
            "/beheer/accounts",
            "/beheer/bijeenkomsten",
            f"/beheer/bijeenkomsten/{SLUG}",
            f"/beheer/bijeenkomsten/{SLUG}/programma",
            f"/beheer/bijeenkomsten/{SLUG}/aanmeldingen",
            f"/beheer/bijeenkomsten/{SLUG}/inchecken",
            f"/beheer/bijeenkomsten/{SLUG}/presentielijst",
            f"/beheer/bijeenkomsten/{SLUG}/overzicht",
            f"/beheer/bijeenkomsten/{SLUG}/sprekers",
            "/beheer/materialen",
            "/beheer/nieuws",
            "/beheer/domeinen",
            "/beheer/logboek",
            "/beheer/verzendingen",
            "/account",
        )
    ),
    ("member", "/account"),
    ("anonymous", "/kennisbank"),
]


def stored_markup(run: Run) -> None:
    """Markup a post stored must come out escaped wherever it is listed."""
    paths = [*SHOWCASE, ("organiser", f"/beheer/materialen/{run.world.objects['material_id']}")]
    for role, path in paths:
        response = run.world.people[role].get(path)
        run.requests += 1
        for kind, detail in problems("", response):
            run.findings.append(Finding(kind, "GET", path, "stored", role, "", response.status_code, detail, ""))


def snapshot() -> list[dict[str, Any]]:
    """Every item of the table, as DynamoDB returns it."""
    pages = aws.dynamodb().get_paginator("scan").paginate(TableName=LOCAL_STAGE["TABLE_NAME"])
    return [item for page in pages for item in page["Items"]]


def restore(items: list[dict[str, Any]]) -> None:
    """The table as `snapshot` found it: newer items deleted, the others put back as they were."""
    kept = {(item["PK"]["S"], item["SK"]["S"]) for item in items}
    pages = (
        aws.dynamodb()
        .get_paginator("scan")
        .paginate(TableName=LOCAL_STAGE["TABLE_NAME"], ProjectionExpression="PK, SK")
    )
    newer = [key for page in pages for key in page["Items"] if (key["PK"]["S"], key["SK"]["S"]) not in kept]
    writes = [{"DeleteRequest": {"Key": key}} for key in newer] + [{"PutRequest": {"Item": item}} for item in items]
    for start in range(0, len(writes), 25):
        aws.dynamodb().batch_write_item(RequestItems={LOCAL_STAGE["TABLE_NAME"]: writes[start : start + 25]})


_INJECTED = re.compile(r"^(?:bcc:.*injected@evil\.example|x-injected:)", re.IGNORECASE | re.MULTILINE)


def queued_work(run: Run) -> None:
    """Run every queue's worker as Lambda would; a failure, or a header added to a mail, is a finding.
    A message whose handler failed is dropped, so that it does not fail again after the restore."""
    ses_url = str(aws.sqs().get_queue_url(QueueName=SES_EVENTS)["QueueUrl"])
    for url, handler in workers(LOCAL_STAGE, ses_url):

        def recorded(event: dict[str, Any], context: Any, handler: Any = handler, url: str = url) -> Any:
            run.traces.take()
            try:
                return handler(event, context)
            except Exception as error:  # every failure is a finding
                trace = "".join(traceback.format_exception(error)[-3:]).strip()
                run.add("worker failed", url.rsplit("/", 1)[1], event["Records"][0].get("body", "")[:200], "", trace)
                return None

        deliver_all(aws.sqs(), url, recorded)
    ses = ses_backends[DEFAULT_ACCOUNT_ID][REGION]
    for message in ses.sent_messages:
        raw = str(getattr(message, "raw_data", "")).replace("\r\n", "\n")
        header = raw.split("\n\n", 1)[0]
        if _INJECTED.search(header) or "injected@evil.example" in str(getattr(message, "destinations", "")):
            run.add("header added to a mail", "mail", "", header[:300])
    ses.sent_messages.clear()


# routes whose posts put hostile values into the registrations export
EXPORTED = {("POST", "/events/{slug}/aanmelden"), *(("POST", f"{api}/events/{{slug}}/registrations") for api in APIS)}


def export_cells(run: Run) -> None:
    """The registrations export, with the hostile registrations in it: no cell a spreadsheet would run."""
    organiser = run.world.people["organiser"]
    page = _location(organiser.post(f"/beheer/bijeenkomsten/{SLUG}/export", {}))
    deliver_exports()
    link = organiser.get(page + "/bestand")
    assert link.status_code == 303, link.body
    content = requests.get(link.headers["Location"], timeout=10).content.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(content), delimiter=";"):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                run.add("formula cell in the export", "registrations export", cell, "")


# -- reporting --------------------------------------------------------------------------------------


def report(name: str, run: Run, routes: int) -> str:
    seconds, cpu = time.perf_counter() - run.started, time.process_time() - run.cpu_started
    server_errors = sum(1 for f in run.findings if f.kind in ("server error", "exception out of the app"))
    counts = {
        "routes": routes,
        "values": len(run.categories),
        "categories": len(CATEGORIES),
        "inputs": len({value for values in run.reached.values() for value in values}),
        "requests": run.requests,
        "server errors": server_errors,
        "other findings": len(run.findings) - server_errors,
        "unrouted": run.unrouted,
    }
    lines = [f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + f", {seconds:.0f} s ({cpu:.0f} s cpu)"]
    slowest = ", ".join(f"{m} {r} {s:.1f} s" for (m, r), s in sorted(run.seconds.items(), key=lambda i: -i[1])[:5])
    lines.append(f"  statuses: {dict(sorted(run.statuses.items()))}")
    lines.append(f"  slowest routes: {slowest}")
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for finding in run.findings:
        groups.setdefault(finding.group(), []).append(finding)
    for same in groups.values():
        first = same[0]
        where = f"{first.method} {first.route} [{first.slot}] as {first.role}"
        example = describe(first.value) + (f" [{category_of(first.value)}]" if first.value in INPUTS else "")
        lines.append(f"- {first.kind} ({first.status or '-'}) x{len(same)}: {where}; e.g. {example}")
        if first.detail:
            lines.append(f"    {first.detail}")
        if first.trace:
            lines.extend("    " + line for line in first.trace.splitlines()[-3:])
    return "\n".join(lines)


@pytest.fixture
def run(client: Client, make_event: Callable[..., Any], monkeypatch: pytest.MonkeyPatch, record_property: Any) -> Run:
    from app import app

    for limit in ("MAILS_PER_ADDRESS_PER_HOUR", "SIGN_IN_LIMIT_PER_CLIENT", "ACCOUNT_REQUESTS_PER_CLIENT"):
        monkeypatch.setattr(config, limit, 10**9)  # hostile input goes past the limits
    traces = Traces()
    monkeypatch.setattr(app.log, "handlers", [traces])  # tracebacks kept for the report, not printed
    world = build_world(client, make_event)
    queued_work(Run(world, traces, []))  # the world's own mail goes before the snapshot is taken
    return Run(world, traces, snapshot(), record_property)


def sessions_alive(run: Run) -> None:
    """The member and organiser are still signed in: else their later requests tested nothing."""
    for role, path in (("member", "/account"), ("organiser", "/beheer")):
        status = run.world.people[role].get(path).status_code
        assert status == 200, f"the {role} was signed out during the run ({path}: {status})"


def _not_reached(run: Run, chosen: list[Target]) -> list[str]:
    """Routes that some input did not reach (`make fuzz`), or values of routes that some category did not reach."""
    if FULL:
        return [" ".join(t.key) for t in chosen if run.reached.get(t.key, set()) != set(range(len(INPUTS)))]
    every = set(CATEGORIES)
    missing = [
        f"{' '.join(t.key)} [{slot}]"
        for t in chosen
        for slot in t.slots
        if run.categories.get((t.key, str(slot))) != every
    ]
    reached_route: dict[Key, set[str]] = {}
    for (key, _slot), categories in run.categories.items():
        reached_route.setdefault(key, set()).update(categories)
    return missing + [" ".join(t.key) for t in chosen if reached_route.get(t.key) != every]


def _finish(name: str, run: Run, chosen: list[Target]) -> None:
    missing = _not_reached(run, chosen)
    summary = report(name, run, len(chosen))
    if run.record is not None:
        run.record("counts", "fuzz, routes: " + summary.splitlines()[0])
    assert not missing, f"categories or inputs that did not reach {missing}"
    if run.findings:
        pytest.fail(summary, pytrace=False)


# -- the tests --------------------------------------------------------------------------------------


_FAKE_OBJECTS = dict.fromkeys(
    (
        "reg_token",
        "reg_key",
        "speaker_token",
        "speaker_id",
        "material_id",
        "news_slug",
        "export_id",
        "job_id",
        "pending_key",
        "colleague_key",
        "group",
        "group_document",
    ),
    "x",
)


def test_the_corpus_is_large_and_every_route_is_fuzzed() -> None:
    assert len(INPUTS) >= 200
    assert 1 <= sum(1 for value in INPUTS if len(value) >= 1024 * 1024) <= 4  # each costs time on every route
    assert all(CATEGORIES.values())
    assert set(FOCUS) <= set(INPUTS)
    assert {t.key for t in targets(_FAKE_OBJECTS, lambda route: True)} == {(m, r) for m, r, _ in MATRIX}
    parts = [t.key for area, (_, n) in AREAS.items() for part in range(n) for t in part_of(_FAKE_OBJECTS, area, part)]
    assert sorted(parts) == sorted((m, r) for m, r, _ in MATRIX)  # the parts hold every route once
    assert set(QUERY) | set(FORM) | set(JSON_FIELDS) | set(REAL) | set(BASE) <= {(m, r) for m, r, _ in MATRIX}


@dataclass(frozen=True)
class FakeResponse:
    status_code: int
    headers: dict[str, Any]
    body: bytes


@pytest.mark.parametrize("value", [v for v in INPUTS if MARKER.search(v) and TAG.search(v)])
def test_negative_control_the_checks_see_markup_unescaped_and_only_then(value: str) -> None:
    html = {"Content-Type": "text/html; charset=utf-8"}
    page = "<!doctype html><title>x</title><p>{}</p><input value='{}'>"
    assert problems(value, FakeResponse(200, html, page.format(value, value).encode())) != []
    escaped = str(markupsafe.escape(value))
    assert problems(value, FakeResponse(200, html, page.format(escaped, escaped).encode())) == []
    assert problems(value, FakeResponse(200, {"Content-Type": "application/json"}, value.encode())) == []


def test_negative_control_the_checks_see_server_errors_and_broken_headers() -> None:
    assert [kind for kind, _ in problems("", FakeResponse(500, {}, b""))] == ["server error"]
    broken = FakeResponse(303, {"Location": "/x\r\nSet-Cookie: a=b", "Set-Cookie": ["a=b", "c=d"]}, b"")
    assert [kind for kind, _ in problems("", broken)] == ["line break in a response header"]
    assert problems("", FakeResponse(200, {"Set-Cookie": ["a=b", "c=d"]}, b"<p>alert(1)</p>")) == []


# The routes by area, each area in parts of about half a minute (interleaved, so that the slow routes
# spread), so that no test comes near a minute and pytest-xdist can share them out.
AREAS: dict[str, tuple[Callable[[str], bool], int]] = {
    "public pages and API": (lambda route: not route.startswith("/beheer"), 3),
    "organisers' event pages": (lambda route: route.startswith("/beheer/bijeenkomsten"), 5),
    "the rest of the workspace": (
        lambda route: route.startswith("/beheer") and not route.startswith("/beheer/bijeenkomsten"),
        2,
    ),
}


def part_of(objects: dict[str, str], area: str, part: int) -> list[Target]:
    where, parts = AREAS[area]
    return targets(objects, where)[part::parts]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("area", "part"), [(area, part) for area, (_, parts) in AREAS.items() for part in range(parts)]
)
def test_hostile_input_on_every_route(run: Run, area: str, part: int) -> None:
    chosen = part_of(run.world.objects, area, part)
    every_input_on_every_route(run, chosen)
    sessions_alive(run)
    _finish(f"{area} ({part + 1} of {AREAS[area][1]})", run, chosen)


@pytest.mark.slow
def test_hostile_headers_and_cookies_on_every_route(run: Run) -> None:
    chosen = targets(run.world.objects, lambda route: True)
    every_input_in_every_header_and_cookie(run, chosen)
    sessions_alive(run)
    summary = report("headers and cookies", run, len(chosen))
    if run.record is not None:
        run.record("counts", "fuzz, routes: " + summary.splitlines()[0])
    if run.findings:
        pytest.fail(summary, pytrace=False)
