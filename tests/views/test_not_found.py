"""Unknown addresses: the portal's 404 page (problem details under /api/), however deep the path and
whatever the method, without hiding any real route; and the API's index at /api/v1."""

from __future__ import annotations

import json

import chalice.local
import pytest

from devtools import localgateway
from tests.support.access import MATRIX
from tests.support.web import FormSession

UNKNOWN = ("/bestaat-niet", "/bestaat/niet", "/events/netwerkbijeenkomst-test/bestaat/niet/hier", "/beheer/x/y/z/w")


@pytest.mark.parametrize("path", UNKNOWN)
def test_an_unknown_address_is_the_portals_404_page_in_dutch_and_english(client, path):
    for language, heading, home in (
        ("nl", "Niet gevonden", "Naar de startpagina"),
        ("en", "Not found", "To the home page"),
    ):
        response = FormSession(client, language).get(path)
        body = response.body.decode()
        assert response.status_code == 404, (language, path)
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert f"<h1>{heading}</h1>" in body
        assert home in body
        assert '<link rel="stylesheet" href="/static/portal.css">' in body  # the portal's look, its menu
        assert 'class="brand"' in body
        assert "Missing Authentication Token" not in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "HEAD"])
def test_an_unknown_address_is_a_404_whatever_the_method(client, method):
    response = client.http.request(method, "/bestaat/niet", body=b"{}", headers={"content-type": "application/json"})
    assert response.status_code == 404
    assert "Allow" not in response.headers


@pytest.mark.parametrize("path", ["/api/v1/bestaat-niet", "/api/v1/events/x/y", "/api/v2/events", "/api/x"])
def test_an_unknown_api_address_is_a_404_in_problem_details(client, path):
    response = client.http.get(path, headers={"accept-language": "en"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["API-Version"] == "1.0.0"
    problem = json.loads(response.body)
    assert (problem["status"], problem["title"], problem["type"]) == (404, "Not Found", "about:blank")


def test_the_catch_all_hides_no_route():
    """Every route, visited as the access matrix visits it, is matched by itself, never by the catch-all."""
    from app import app

    matcher = localgateway.GreedyRouteMatcher(list(app.routes))
    for _method, route, path in MATRIX:
        assert matcher.match_route(path).route == route, path
    assert matcher.match_route("/a/b/c?x=1").route == "/{proxy+}"
    assert matcher.match_route("/a/b/c?x=1").captured == {"proxy": "a/b/c"}


def test_without_the_greedy_matcher_chalice_local_finds_no_route_for_a_deep_unknown_path():
    """The negative control: Chalice's own matcher, which `chalice local` used before, finds nothing
    for two segments or more (its gateway then answers 403 Missing Authentication Token)."""
    from app import app

    assert chalice.local.RouteMatcher is localgateway.GreedyRouteMatcher  # installed by tests/conftest.py
    chalices_own = localgateway.GreedyRouteMatcher.__bases__[0]  # as devtools/localgateway.py found it
    own = chalices_own(list(app.routes))
    assert chalices_own is not localgateway.GreedyRouteMatcher
    with pytest.raises(ValueError, match="No matching route"):
        own.match_route("/bestaat/niet")


def test_the_api_index_links_the_openapi_document_and_every_resource(client):
    response = client.http.get("/api/v1")
    assert response.status_code == 200
    assert response.headers["API-Version"] == "1.0.0"
    index = json.loads(response.body)
    document = json.loads(client.http.get("/api/v1/openapi.json").body)
    root = document["servers"][0]["url"]
    assert index["_links"]["self"]["href"] == root
    assert index["_links"]["service-desc"]["href"] == f"{root}/openapi.json"
    assert [resource["href"] for resource in index["resources"]] == [f"{root}{path}" for path in document["paths"]]
    events = next(r for r in index["resources"] if r["href"] == f"{root}/events")
    assert events["templated"] is False
    assert set(events["methods"]) == {"GET"}
    registration = next(r for r in index["resources"] if r["href"] == f"{root}/registrations/{{token}}")
    assert registration["templated"] is True
    assert set(registration["methods"]) == {"GET", "DELETE"}
    # every link of the index answers (the templated ones once filled in)
    for resource in index["resources"]:
        if not resource["templated"]:
            assert client.http.get(resource["href"].removeprefix(root.removesuffix("/api/v1"))).status_code == 200


def test_the_api_index_has_no_trailing_slash_twin(client):
    assert client.http.get("/api/v1/").status_code == 404
