"""Who may do what: every route against anonymous, member and organiser, and CSRF on every form."""

from __future__ import annotations

import json

import pytest

from tests.support.access import MATRIX, ROLES
from tests.support.accounts import make_account, sign_in
from tests.support.web import FormSession


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
        elif method == "HEAD":
            response = person.client.http.request(method, path, headers={"cookie": person.cookie})
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
    assert len(forms) == 64  # the matrix lists every route, so every form is here
    organiser = people["organiser"]
    for route, path in forms:
        response = organiser.post(path, {"email": "x@politie.nl", "name": "x"}, with_token=False)
        if route in CSRF_EXEMPT:
            assert response.status_code != 403, route
        else:
            assert response.status_code == 403, route
            assert "Het formulier is verlopen" in response.body.decode(), route
