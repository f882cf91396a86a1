"""The JSON API through chalice.test.Client, and its OpenAPI document."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from chalicelib import stores
from tests.conftest import registration_form, sent_mail

SLUG = "netwerkbijeenkomst-test"


def call(client, method: str, path: str, body=None, **headers):
    response = client.http.request(
        method,
        path,
        body=json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body,
        headers={"content-type": "application/json", **headers},
    )
    return response.status_code, json.loads(response.body) if response.body else None


def api_form(**overrides):
    form = registration_form(**overrides)
    form.pop("consent")
    return {**form, "consent": True}


def test_list_and_get_events(make_event, client):
    make_event()
    status, listing = call(client, "GET", "/api/events")
    assert status == 200
    assert [e["slug"] for e in listing["events"]] == [SLUG]
    assert listing["next"] is None
    assert "programme" not in listing["events"][0]

    status, event = call(client, "GET", f"/api/events/{SLUG}")
    assert status == 200
    assert event["places_left"] == 3
    assert event["registration"] == "open"
    assert event["programme"][2]["speakers"] == [{"name": "Annemarie van Hinsberg", "organisation": "Movisie"}]


def test_unknown_event_is_json_404(moto, client):
    status, body = call(client, "GET", "/api/events/nope")
    assert status == 404
    assert body == {"message": "Deze bijeenkomst bestaat niet (meer)."}


def test_register_and_cancel(make_event, client):
    make_event()
    status, created = call(client, "POST", f"/api/events/{SLUG}/registrations", api_form())
    assert status == 201
    assert created["status"] == "confirmed"
    assert created["mail_sent"] is True
    assert created["manage_url"].endswith(created["token"])

    status, seen = call(client, "GET", f"/api/registrations/{created['token']}")
    assert (status, seen["status"]) == (200, "confirmed")

    status, cancelled = call(client, "DELETE", f"/api/registrations/{created['token']}")
    assert (status, cancelled) == (200, {"status": "cancelled"})
    status, _again = call(client, "DELETE", f"/api/registrations/{created['token']}")
    assert status == 409
    assert call(client, "DELETE", "/api/registrations/" + "b" * 43)[0] == 404


def test_duplicate_is_409_without_the_token(make_event, client):
    make_event()
    form = api_form()
    _, created = call(client, "POST", f"/api/events/{SLUG}/registrations", form)
    status, body = call(client, "POST", f"/api/events/{SLUG}/registrations", form)
    assert status == 409
    assert created["token"] not in json.dumps(body)
    assert body["mail_sent"] is True
    assert len(sent_mail()) == 2


def test_validation_errors_per_field_in_the_requested_language(make_event, client):
    make_event()
    status, body = call(
        client, "POST", f"/api/events/{SLUG}/registrations", {"name": 5, "email": "x"}, **{"accept-language": "en-GB"}
    )
    assert status == 422
    assert body["errors"] == {"name": "This field must be text."}

    status, body = call(
        client, "POST", f"/api/events/{SLUG}/registrations", {"email": "x"}, **{"accept-language": "en"}
    )
    assert status == 422
    assert body["message"] == "Please check the marked fields."
    assert set(body["errors"]) == {"name", "email", "organisation", "role", "consent"}
    assert stores.registrations().list_for_event(SLUG) == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe"])
def test_bad_json_is_400(make_event, client, body):
    make_event()
    status, response = call(client, "POST", f"/api/events/{SLUG}/registrations", body)
    assert status == 400
    assert "message" in response


def test_wrong_content_type_is_json_error(make_event, client):
    make_event()
    response = client.http.post(f"/api/events/{SLUG}/registrations", body="a=b", headers={"content-type": "text/plain"})
    assert response.status_code == 415
    assert "message" in json.loads(response.body)


def test_full_event_puts_api_registrations_on_the_waiting_list(make_event, client):
    make_event(capacity=1)
    call(client, "POST", f"/api/events/{SLUG}/registrations", api_form())
    status, body = call(client, "POST", f"/api/events/{SLUG}/registrations", api_form())
    assert (status, body["status"]) == (201, "waiting")
    _, seen = call(client, "GET", f"/api/registrations/{body['token']}")
    assert seen["waiting_position"] == 1


def test_openapi_document_is_valid_and_covers_every_api_route(client):
    from app import app

    status, document = call(client, "GET", "/api/openapi.json")
    assert status == 200
    validate(document)
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routes = {
        (path, method)
        for path, methods in app.routes.items()
        if path.startswith("/api/") and path != "/api/openapi.json"
        for method in methods
    }
    assert routes == documented


def test_a_duplicate_past_the_resend_limit_does_not_claim_the_link_went(make_event, client):
    make_event()
    form = api_form()
    call(client, "POST", f"/api/events/{SLUG}/registrations", form)
    answers = [call(client, "POST", f"/api/events/{SLUG}/registrations", form)[1] for _ in range(4)]
    assert [a["mail_sent"] for a in answers] == [True, True, True, False]
    assert "opnieuw gestuurd" in answers[0]["message"]
    assert "niet opnieuw sturen" in answers[3]["message"]
    assert len(sent_mail()) == 4
