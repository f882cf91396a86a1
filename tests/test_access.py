"""Who may do what: every route against anonymous, member and organiser, and CSRF on every form."""

from __future__ import annotations

import json

import pytest

from tests.accounts_helpers import make_account, sign_in
from tests.conftest import FormSession

SLUG = "netwerkbijeenkomst-test"
UNKNOWN = "A" * 43
ROLES = ("anonymous", "member", "organiser")

# (method, route, concrete path, body) -> expected status for anonymous, member, organiser.
# Bodies are empty forms: guarded routes refuse before reading them, open ones validate.
MATRIX = {
    ("GET", "/", "/"): (200, 200, 200),
    ("GET", "/events", "/events"): (200, 200, 200),
    ("GET", "/events/{slug}", f"/events/{SLUG}"): (200, 200, 200),
    ("GET", "/events.ics", "/events.ics"): (200, 200, 200),
    ("GET", "/agenda/{feed}", f"/agenda/{UNKNOWN}.ics"): (404, 404, 404),  # the signed link is the credential
    ("POST", "/events/{slug}/aanmelden", f"/events/{SLUG}/aanmelden"): (422, 422, 422),
    ("GET", "/r/{token}", f"/r/{UNKNOWN}"): (404, 404, 404),
    ("GET", "/r/{token}/annuleren", f"/r/{UNKNOWN}/annuleren"): (404, 404, 404),
    ("POST", "/r/{token}/annuleren", f"/r/{UNKNOWN}/annuleren"): (404, 404, 404),
    ("GET", "/r/{token}/evaluatie", f"/r/{UNKNOWN}/evaluatie"): (404, 404, 404),
    ("GET", "/r/{token}/certificaat", f"/r/{UNKNOWN}/certificaat"): (404, 404, 404),
    ("POST", "/r/{token}/evaluatie", f"/r/{UNKNOWN}/evaluatie"): (404, 404, 404),
    ("POST", "/r/{token}/workshops", f"/r/{UNKNOWN}/workshops"): (404, 404, 404),
    ("GET", "/privacy", "/privacy"): (200, 200, 200),
    ("GET", "/.well-known/security.txt", "/.well-known/security.txt"): (200, 200, 200),
    ("GET", "/toegankelijkheid", "/toegankelijkheid"): (200, 200, 200),
    ("GET", "/taal/{code}", "/taal/en"): (303, 303, 303),
    ("GET", "/static/{name}", "/static/portal.css"): (200, 200, 200),
    ("GET", "/outbox", "/outbox"): (404, 404, 404),  # local stage with moto server only
    ("GET", "/inloggen", "/inloggen"): (200, 200, 200),
    ("POST", "/inloggen", "/inloggen"): (422, 422, 422),
    ("GET", "/inloggen/{token}", f"/inloggen/{UNKNOWN}"): (200, 200, 200),  # a button; using it checks
    ("POST", "/inloggen/{token}", f"/inloggen/{UNKNOWN}"): (410, 410, 410),
    ("POST", "/uitloggen", "/uitloggen"): (303, 303, 303),
    ("GET", "/account/aanvragen", "/account/aanvragen"): (200, 200, 200),
    ("POST", "/account/aanvragen", "/account/aanvragen"): (422, 422, 422),
    ("GET", "/account/bevestigen/{token}", f"/account/bevestigen/{UNKNOWN}"): (200, 200, 200),
    ("POST", "/account/bevestigen/{token}", f"/account/bevestigen/{UNKNOWN}"): (410, 410, 410),
    ("GET", "/account", "/account"): (303, 200, 200),
    ("POST", "/account", "/account"): (401, 422, 422),
    ("POST", "/account/verwijderen", "/account/verwijderen"): (401, 422, 422),
    ("POST", "/account/agenda", "/account/agenda"): (401, 303, 303),
    ("POST", "/account/themas", "/account/themas"): (401, 303, 303),
    ("GET", "/themas/afmelden/{token}", f"/themas/afmelden/{UNKNOWN}"): (410, 410, 410),
    ("POST", "/themas/afmelden/{token}", f"/themas/afmelden/{UNKNOWN}"): (410, 410, 410),
    ("GET", "/nieuwsbrief/afmelden/{token}", f"/nieuwsbrief/afmelden/{UNKNOWN}"): (410, 410, 410),
    ("POST", "/nieuwsbrief/afmelden/{token}", f"/nieuwsbrief/afmelden/{UNKNOWN}"): (410, 410, 410),
    ("GET", "/beheer/accounts", "/beheer/accounts"): (303, 403, 200),
    ("POST", "/beheer/accounts/{key}/{status}", f"/beheer/accounts/{'0' * 32}/approved"): (401, 403, 404),
    ("POST", "/beheer/nieuwsbrief/export", "/beheer/nieuwsbrief/export"): (401, 403, 303),
    ("GET", "/beheer/bijeenkomsten/{slug}/evaluatie", f"/beheer/bijeenkomsten/{SLUG}/evaluatie"): (303, 403, 200),
    ("GET", "/beheer/bijeenkomsten/{slug}/vragen", f"/beheer/bijeenkomsten/{SLUG}/vragen"): (303, 403, 200),
    ("POST", "/beheer/bijeenkomsten/{slug}/certificaten", f"/beheer/bijeenkomsten/{SLUG}/certificaten"): (
        401,
        403,
        303,
    ),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/evaluatie/sluiten",
        f"/beheer/bijeenkomsten/{SLUG}/evaluatie/sluiten",
    ): (401, 403, 409),
    ("POST", "/beheer/bijeenkomsten/{slug}/vragen", f"/beheer/bijeenkomsten/{SLUG}/vragen"): (401, 403, 409),
    (
        "GET",
        "/beheer/bijeenkomsten/{slug}/vragen/{question_id}",
        f"/beheer/bijeenkomsten/{SLUG}/vragen/1",
    ): (303, 403, 404),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/vragen/{question_id}",
        f"/beheer/bijeenkomsten/{SLUG}/vragen/1",
    ): (401, 403, 409),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/vragen/{question_id}/verwijderen",
        f"/beheer/bijeenkomsten/{SLUG}/vragen/1/verwijderen",
    ): (401, 403, 409),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/evaluatie/export",
        f"/beheer/bijeenkomsten/{SLUG}/evaluatie/export",
    ): (401, 403, 409),  # the answers go out once the evaluation is closed
    ("GET", "/beheer/exports/{export_id}", "/beheer/exports/onbekend"): (303, 403, 404),
    ("GET", "/beheer/exports/{export_id}/status", "/beheer/exports/onbekend/status"): (303, 403, 404),
    ("GET", "/beheer/exports/{export_id}/bestand", "/beheer/exports/onbekend/bestand"): (303, 403, 404),
    ("GET", "/beheer/onbereikbaar", "/beheer/onbereikbaar"): (303, 403, 200),
    ("POST", "/beheer/onbereikbaar/{key}/opheffen", f"/beheer/onbereikbaar/{'0' * 32}/opheffen"): (401, 403, 404),
    ("POST", "/account/bereikbaar", "/account/bereikbaar"): (401, 303, 303),
    ("GET", "/beheer/nieuwsbrief", "/beheer/nieuwsbrief"): (303, 403, 200),
    ("GET", "/beheer/verzendingen", "/beheer/verzendingen"): (303, 403, 200),
    ("GET", "/beheer/verzendingen/{job_id}", "/beheer/verzendingen/onbekend"): (303, 403, 404),
    ("GET", "/beheer/verzendingen/{job_id}/voortgang", "/beheer/verzendingen/onbekend/voortgang"): (303, 403, 404),
    ("POST", "/beheer/verzendingen/{job_id}/opnieuw", "/beheer/verzendingen/onbekend/opnieuw"): (401, 403, 404),
    ("POST", "/beheer/nieuwsbrief", "/beheer/nieuwsbrief"): (401, 403, 422),
    ("GET", "/spreker/{token}", f"/spreker/{UNKNOWN}"): (410, 410, 410),
    ("GET", "/spreker/{token}/klaar", f"/spreker/{UNKNOWN}/klaar"): (410, 410, 410),
    ("POST", "/spreker/{token}/bestanden/{material_id}/verwijderen", f"/spreker/{UNKNOWN}/bestanden/x.0/verwijderen"): (
        410,
        410,
        410,
    ),
    ("GET", "/kennisbank", "/kennisbank"): (200, 200, 200),
    ("GET", "/kennisbank/{material_id}/download", f"/kennisbank/{SLUG}.000000000000/download"): (303, 404, 404),
    ("GET", "/beheer/materialen", "/beheer/materialen"): (303, 403, 200),
    ("POST", "/beheer/materialen/{material_id}/{action}", f"/beheer/materialen/{SLUG}.000000000000/publiceren"): (
        401,
        403,
        404,
    ),
    ("GET", "/beheer/materialen/{material_id}/downloads", f"/beheer/materialen/{SLUG}.000000000000/downloads"): (
        303,
        403,
        404,
    ),
    ("GET", "/beheer", "/beheer"): (303, 403, 200),
    ("POST", "/beheer/accounts/{key}/rol", f"/beheer/accounts/{'0' * 32}/rol"): (401, 403, 404),
    ("GET", "/beheer/bijeenkomsten", "/beheer/bijeenkomsten"): (303, 403, 200),
    ("POST", "/beheer/bijeenkomsten", "/beheer/bijeenkomsten"): (401, 403, 422),
    ("GET", "/beheer/bijeenkomsten/nieuw", "/beheer/bijeenkomsten/nieuw"): (303, 403, 200),
    ("GET", "/beheer/bijeenkomsten/{slug}", f"/beheer/bijeenkomsten/{SLUG}"): (303, 403, 200),
    # organisers' posts without the version they read are refused as stale (409)
    ("POST", "/beheer/bijeenkomsten/{slug}", f"/beheer/bijeenkomsten/{SLUG}"): (401, 403, 409),
    ("GET", "/beheer/bijeenkomsten/{slug}/verwijderen", f"/beheer/bijeenkomsten/{SLUG}/verwijderen"): (303, 403, 200),
    ("POST", "/beheer/bijeenkomsten/{slug}/verwijderen", f"/beheer/bijeenkomsten/{SLUG}/verwijderen"): (401, 403, 409),
    ("GET", "/beheer/bijeenkomsten/{slug}/status/annuleren", f"/beheer/bijeenkomsten/{SLUG}/status/annuleren"): (
        303,
        403,
        200,
    ),
    ("POST", "/beheer/bijeenkomsten/{slug}/status/annuleren", f"/beheer/bijeenkomsten/{SLUG}/status/annuleren"): (
        401,
        403,
        409,
    ),
    ("POST", "/beheer/bijeenkomsten/{slug}/status/{action}", f"/beheer/bijeenkomsten/{SLUG}/status/publiceren"): (
        401,
        403,
        409,
    ),
    ("GET", "/beheer/bijeenkomsten/{slug}/programma", f"/beheer/bijeenkomsten/{SLUG}/programma"): (303, 403, 200),
    ("POST", "/beheer/bijeenkomsten/{slug}/programma", f"/beheer/bijeenkomsten/{SLUG}/programma"): (401, 403, 409),
    ("GET", "/beheer/bijeenkomsten/{slug}/programma/{position}", f"/beheer/bijeenkomsten/{SLUG}/programma/1"): (
        303,
        403,
        200,
    ),
    ("POST", "/beheer/bijeenkomsten/{slug}/programma/{position}", f"/beheer/bijeenkomsten/{SLUG}/programma/1"): (
        401,
        403,
        409,
    ),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/programma/{position}/{action}",
        f"/beheer/bijeenkomsten/{SLUG}/programma/1/omlaag",
    ): (401, 403, 409),
    ("GET", "/beheer/bijeenkomsten/{slug}/aanmeldingen", f"/beheer/bijeenkomsten/{SLUG}/aanmeldingen"): (303, 403, 200),
    ("POST", "/beheer/bijeenkomsten/{slug}/export", f"/beheer/bijeenkomsten/{SLUG}/export"): (401, 403, 303),
    (
        "GET",
        "/beheer/bijeenkomsten/{slug}/aanmeldingen/{key}/annuleren",
        f"/beheer/bijeenkomsten/{SLUG}/aanmeldingen/{'0' * 32}/annuleren",
    ): (303, 403, 404),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/aanmeldingen/{key}/annuleren",
        f"/beheer/bijeenkomsten/{SLUG}/aanmeldingen/{'0' * 32}/annuleren",
    ): (401, 403, 404),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/aanmeldingen/{key}/{action}",
        f"/beheer/bijeenkomsten/{SLUG}/aanmeldingen/{'0' * 32}/aanwezig",
    ): (
        401,
        403,
        404,
    ),
    ("GET", "/beheer/bijeenkomsten/{slug}/inchecken", f"/beheer/bijeenkomsten/{SLUG}/inchecken"): (303, 403, 200),
    ("GET", "/beheer/bijeenkomsten/{slug}/presentielijst", f"/beheer/bijeenkomsten/{SLUG}/presentielijst"): (
        303,
        403,
        200,
    ),
    ("GET", "/beheer/bijeenkomsten/{slug}/overzicht", f"/beheer/bijeenkomsten/{SLUG}/overzicht"): (303, 403, 200),
    ("GET", "/beheer/bijeenkomsten/{slug}/bericht", f"/beheer/bijeenkomsten/{SLUG}/bericht"): (303, 403, 200),
    ("POST", "/beheer/bijeenkomsten/{slug}/bericht", f"/beheer/bijeenkomsten/{SLUG}/bericht"): (401, 403, 422),
    ("GET", "/beheer/bijeenkomsten/{slug}/sprekers", f"/beheer/bijeenkomsten/{SLUG}/sprekers"): (303, 403, 200),
    ("POST", "/beheer/bijeenkomsten/{slug}/sprekers", f"/beheer/bijeenkomsten/{SLUG}/sprekers"): (401, 403, 422),
    (
        "POST",
        "/beheer/bijeenkomsten/{slug}/sprekers/{speaker_id}/{action}",
        f"/beheer/bijeenkomsten/{SLUG}/sprekers/000000000000/opnieuw",
    ): (
        401,
        403,
        404,
    ),
    ("GET", "/beheer/materialen/{material_id}", f"/beheer/materialen/{SLUG}.000000000000"): (303, 403, 404),
    ("POST", "/beheer/materialen/{material_id}", f"/beheer/materialen/{SLUG}.000000000000"): (401, 403, 404),
    ("GET", "/beheer/documenten/nieuw", "/beheer/documenten/nieuw"): (303, 403, 200),
    ("GET", "/beheer/documenten/klaar", "/beheer/documenten/klaar"): (303, 403, 404),
    ("GET", "/beheer/domeinen", "/beheer/domeinen"): (303, 403, 200),
    ("POST", "/beheer/domeinen", "/beheer/domeinen"): (401, 403, 422),
    ("POST", "/beheer/domeinen/verwijderen", "/beheer/domeinen/verwijderen"): (401, 403, 404),
    ("GET", "/beheer/logboek", "/beheer/logboek"): (303, 403, 200),
    ("GET", "/nieuws", "/nieuws"): (200, 200, 200),
    ("GET", "/nieuws.atom", "/nieuws.atom"): (200, 200, 200),
    ("GET", "/nieuws/{slug}", "/nieuws/bestaat-niet"): (404, 404, 404),
    ("GET", "/beheer/nieuws", "/beheer/nieuws"): (303, 403, 200),
    ("POST", "/beheer/nieuws", "/beheer/nieuws"): (401, 403, 422),
    ("GET", "/beheer/nieuws/{slug}", "/beheer/nieuws/bestaat-niet"): (303, 403, 404),
    ("POST", "/beheer/nieuws/{slug}", "/beheer/nieuws/bestaat-niet"): (401, 403, 404),
    ("POST", "/beheer/nieuws/{slug}/verwijderen", "/beheer/nieuws/bestaat-niet/verwijderen"): (401, 403, 404),
    ("GET", "/api/v1/events", "/api/v1/events"): (200, 200, 200),
    ("GET", "/api/v1/kennisbank", "/api/v1/kennisbank"): (200, 200, 200),
    ("GET", "/api/v1/events/{slug}", f"/api/v1/events/{SLUG}"): (200, 200, 200),
    ("POST", "/api/v1/events/{slug}/registrations", f"/api/v1/events/{SLUG}/registrations"): (422, 422, 422),
    ("GET", "/api/v1/registrations/{token}", f"/api/v1/registrations/{UNKNOWN}"): (404, 404, 404),
    ("DELETE", "/api/v1/registrations/{token}", f"/api/v1/registrations/{UNKNOWN}"): (404, 404, 404),
    ("GET", "/api/v1/openapi.json", "/api/v1/openapi.json"): (200, 200, 200),
    # the paths before v1: a permanent redirect for one release
    ("GET", "/api/events", "/api/events"): (308, 308, 308),
    ("GET", "/api/kennisbank", "/api/kennisbank"): (308, 308, 308),
    ("GET", "/api/events/{slug}", f"/api/events/{SLUG}"): (308, 308, 308),
    ("POST", "/api/events/{slug}/registrations", f"/api/events/{SLUG}/registrations"): (308, 308, 308),
    ("GET", "/api/registrations/{token}", f"/api/registrations/{UNKNOWN}"): (308, 308, 308),
    ("DELETE", "/api/registrations/{token}", f"/api/registrations/{UNKNOWN}"): (308, 308, 308),
    ("GET", "/api/openapi.json", "/api/openapi.json"): (308, 308, 308),
}


def test_the_matrix_covers_every_route():
    from app import app

    routes = {(method, path) for path, methods in app.routes.items() for method in methods}
    assert routes == {(method, route) for method, route, _ in MATRIX}


@pytest.fixture
def people(make_event, client) -> dict[str, FormSession]:
    make_event()
    make_account("lid@rotterdam.nl")
    make_account("org@zwijndrecht.nl", access="organiser")
    return {
        "anonymous": FormSession(client),
        "member": sign_in(FormSession(client), "lid@rotterdam.nl"),
        "organiser": sign_in(FormSession(client), "org@zwijndrecht.nl"),
    }


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(people, role):
    person = people[role]
    seen = {}
    # signing out ends the session on the server: it goes last
    for (method, route, path), expected in sorted(MATRIX.items(), key=lambda row: row[0][1] == "/uitloggen"):
        if method == "GET":
            response = person.get(path)
        elif route.startswith("/api/"):
            body = json.dumps({}) if method == "POST" else None
            response = person.client.http.request(
                method, path, body=body, headers={"content-type": "application/json", "cookie": person.cookie}
            )
        else:
            response = person.post(path, {})
        seen[(method, route)] = (response.status_code, expected[ROLES.index(role)])
    wrong = {k: v for k, v in seen.items() if v[0] != v[1]}
    assert not wrong, f"{role}: (got, expected) {wrong}"


# RFC 8058 one-click unsubscribes are posted by mail clients without cookies; its signed token is the credential.
CSRF_EXEMPT = {"/nieuwsbrief/afmelden/{token}", "/themas/afmelden/{token}"}


def test_every_form_refuses_a_post_without_its_csrf_token(people):
    from app import app

    forms = [
        (route, path)
        for method, route, path in MATRIX
        if method == "POST" and "application/x-www-form-urlencoded" in app.routes[route]["POST"].content_types
    ]
    assert len(forms) == 50  # the matrix lists every route, so every form is here
    organiser = people["organiser"]
    for route, path in forms:
        response = organiser.post(path, {"email": "x@politie.nl", "name": "x"}, with_token=False)
        if route in CSRF_EXEMPT:
            assert response.status_code != 403, route
        else:
            assert response.status_code == 403, route
            assert "Het formulier is verlopen" in response.body.decode(), route
