"""The JSON API through chalice.test.Client, and its OpenAPI document."""

from __future__ import annotations

import json
import re

import pytest
from openapi_spec_validator import validate

from chalicelib.registrations.store import registration_store
from tests.support.accounts import mailed_token
from tests.support.aws import sent_mail
from tests.support.factories import registration_form

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
    status, listing = call(client, "GET", "/api/v1/events")
    assert status == 200
    assert [e["slug"] for e in listing["events"]] == [SLUG]
    assert listing["next"] is None
    assert "programme" not in listing["events"][0]

    status, event = call(client, "GET", f"/api/v1/events/{SLUG}")
    assert status == 200
    assert event["places_left"] == 3
    assert event["registration"] == "open"
    assert event["programme"][2]["speakers"] == [{"name": "Annemarie van Hinsberg", "organisation": "Movisie"}]


def test_unknown_event_is_json_404(moto, client):
    status, body = call(client, "GET", "/api/v1/events/nope")
    assert status == 404
    assert body == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Deze bijeenkomst bestaat niet (meer).",
    }


def test_register_and_cancel(make_event, client):
    make_event()
    form = api_form()
    status, received = call(client, "POST", f"/api/v1/events/{SLUG}/registrations", form)
    assert status == 202
    assert received == {
        "event": SLUG,
        "email": form["email"],
        "name": form["name"],
        "attendance": "location",
        "mail_sent": True,
        "detail": "De persoonlijke link is per e-mail onderweg naar het opgegeven adres.",
    }
    token = mailed_token(form["email"])  # the personal link travels only by mail

    status, seen = call(client, "GET", f"/api/v1/registrations/{token}")
    assert (status, seen["status"]) == (200, "confirmed")

    status, cancelled = call(client, "DELETE", f"/api/v1/registrations/{token}")
    assert (status, cancelled) == (200, {"status": "cancelled"})
    status, _again = call(client, "DELETE", f"/api/v1/registrations/{token}")
    assert status == 409
    assert call(client, "DELETE", "/api/v1/registrations/" + "b" * 43)[0] == 404


def test_a_known_address_gets_the_answer_a_new_one_gets(make_event, client):
    make_event()
    form = api_form()
    first = call(client, "POST", f"/api/v1/events/{SLUG}/registrations", form)
    again = call(client, "POST", f"/api/v1/events/{SLUG}/registrations", form)
    assert again == first == (202, again[1])
    token = mailed_token(form["email"])
    assert token not in json.dumps(again[1])
    assert len(sent_mail()) == 2  # the link again, to the address only
    assert len(registration_store().list_for_event(SLUG)) == 1


def test_validation_errors_per_field_in_the_requested_language(make_event, client):
    make_event()
    status, body = call(
        client,
        "POST",
        f"/api/v1/events/{SLUG}/registrations",
        {"name": 5, "email": "x"},
        **{"accept-language": "en-GB"},
    )
    assert status == 422
    assert body["errors"] == {"name": "This field must be text."}

    status, body = call(
        client, "POST", f"/api/v1/events/{SLUG}/registrations", {"email": "x"}, **{"accept-language": "en"}
    )
    assert status == 422
    assert body["detail"] == "Please check the marked fields."
    assert set(body["errors"]) == {"name", "email", "organisation", "role", "consent"}
    assert registration_store().list_for_event(SLUG) == []


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b"\xff\xfe", b"[" * 2000])
def test_bad_json_is_400(make_event, client, body):
    make_event()
    status, response = call(client, "POST", f"/api/v1/events/{SLUG}/registrations", body)
    assert status == 400
    assert response["status"] == 400
    assert response["detail"]


def test_wrong_content_type_is_json_error(make_event, client):
    make_event()
    response = client.http.post(
        f"/api/v1/events/{SLUG}/registrations", body="a=b", headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415
    assert response.headers["Content-Type"] == "application/problem+json"
    assert json.loads(response.body)["status"] == 415


def test_full_event_puts_api_registrations_on_the_waiting_list(make_event, client):
    make_event(capacity=1)
    call(client, "POST", f"/api/v1/events/{SLUG}/registrations", api_form())
    form = api_form()
    status, _body = call(client, "POST", f"/api/v1/events/{SLUG}/registrations", form)
    assert status == 202
    _, seen = call(client, "GET", f"/api/v1/registrations/{mailed_token(form['email'])}")
    assert (seen["status"], seen["waiting_position"]) == ("waiting", 1)


def test_openapi_document_is_valid_and_covers_every_api_route(client):
    from app import app

    status, document = call(client, "GET", "/api/v1/openapi.json")
    assert status == 200
    validate(document)
    documented = {("/api/v1" + path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    routes = {
        (path, method)
        for path, methods in app.routes.items()
        if path.startswith("/api/v1/") and path != "/api/v1/openapi.json"
        for method in methods
    }
    assert routes == documented


def test_past_the_mail_ceiling_a_known_address_gets_no_mail_and_the_same_answer(make_event, client):
    from chalicelib.core import config

    make_event()
    form = api_form()
    answers = [call(client, "POST", f"/api/v1/events/{SLUG}/registrations", form) for _ in range(8)]
    assert all(answer == answers[0] for answer in answers)  # saying "not sent" would tell it is registered
    assert answers[0][1]["mail_sent"] is True
    assert len(sent_mail()) == config.MAILS_PER_ADDRESS_PER_HOUR == 5


# -- the Dutch API Design Rules (ADR 2.x, core), as its Spectral ruleset checks them -----------------------


@pytest.fixture
def served(moto, client) -> dict:
    status, document = call(client, "GET", "/api/v1/openapi.json")
    assert status == 200
    return document


def operations(document: dict) -> list[tuple[str, str, dict]]:
    return [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items()]


def test_adr_core_doc_openapi_the_api_is_described_in_openapi_3(served):
    assert served["openapi"].startswith("3.")
    validate(served)


def test_adr_core_publish_openapi_the_document_is_at_the_apis_root(served):
    assert served["servers"][0]["url"].endswith("/api/v1")  # .../api/v1/openapi.json is where it is served


def test_adr_core_uri_version_the_major_version_is_in_the_uri(served):
    assert all(re.search(r"/v\d+$", server["url"]) for server in served["servers"])


def test_adr_core_no_trailing_slash_in_paths_and_a_404_for_one(served, client):
    assert not [path for path in served["paths"] if path.endswith("/")]
    response = client.http.get("/api/v1/events/")
    assert response.status_code == 404  # not a redirect


def test_adr_core_semver_the_full_version_is_semantic(served):
    assert re.fullmatch(r"\d+\.\d+\.\d+", served["info"]["version"])
    assert served["info"]["version"].split(".")[0] == served["servers"][0]["url"].rsplit("/v", 1)[1]


def test_adr_core_doc_openapi_contact_names_who_to_ask(served):
    contact = served["info"]["contact"]
    assert contact["name"]
    assert contact["email"]
    assert contact["url"]


def test_adr_core_http_methods_only_standard_methods(served):
    assert {method for _, method, _ in operations(served)} <= {"get", "post", "put", "patch", "delete"}


def test_adr_core_version_header_documented_on_every_response_and_sent(served, make_event, client):
    for path, method, op in operations(served):
        for status, response in op["responses"].items():
            assert "API-Version" in response.get("headers", {}), (path, method, status)
    make_event()
    for path in ("/api/v1/events", f"/api/v1/events/{SLUG}", "/api/v1/events/nope", "/api/v1/openapi.json"):
        assert client.http.get(path).headers["API-Version"] == served["info"]["version"], path


def test_rfc9457_errors_are_problem_details(served, moto, client):
    """The ADR's error handling: application/problem+json, documented for every 4xx."""
    for path, method, op in operations(served):
        for status, response in op["responses"].items():
            if status.startswith("4"):
                assert "application/problem+json" in response["content"], (path, method, status)
    response = client.http.get("/api/v1/events?when=gisteren")
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert set(json.loads(response.body)) == {"type", "title", "status", "detail"}


@pytest.mark.parametrize(
    ("method", "old", "new"),
    [
        ("GET", "/api/events?when=past", "/api/v1/events?when=past"),
        ("GET", f"/api/events/{SLUG}", f"/api/v1/events/{SLUG}"),
        ("POST", f"/api/events/{SLUG}/registrations", f"/api/v1/events/{SLUG}/registrations"),
        ("DELETE", "/api/registrations/abc", "/api/v1/registrations/abc"),
        ("GET", "/api/openapi.json", "/api/v1/openapi.json"),
    ],
)
def test_the_paths_before_v1_redirect_permanently_keeping_the_method(moto, client, method, old, new):
    response = client.http.request(method, old, body=b"{}", headers={"content-type": "application/json"})
    assert response.status_code == 308
    assert response.headers["Location"] == new


@pytest.mark.parametrize("field", ["name", "email", "organisation"])
def test_a_lone_surrogate_in_a_json_body_is_a_clear_400(make_event, client, field):
    make_event()
    body = json.dumps({**api_form(), field: "Fatima\ud800"})  # json.dumps writes it as the escape "\ud800"
    assert "\\ud800" in body
    status, response = call(client, "POST", f"/api/v1/events/{SLUG}/registrations", body.encode())
    assert status == 400
    assert response["detail"] == "De body bevat een teken dat geen tekst is (een losse UTF-16-surrogaat)."
    assert registration_store().list_for_event(SLUG) == []
