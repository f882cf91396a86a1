"""Unknown addresses over real HTTP, under `chalice local` as `make run` starts it: the portal's 404,
never API Gateway's 403 "Missing Authentication Token"."""

from __future__ import annotations

import requests

from tests.support.live import LivePortal


def test_chalice_local_answers_an_unknown_address_with_the_portals_404(portal: LivePortal):
    for path in ("/bestaat-niet", "/bestaat/niet/hier"):
        page = requests.get(f"{portal.url}{path}", headers={"Accept-Language": "en"}, timeout=10)
        assert page.status_code == 404, path
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert "<h1>Not found</h1>" in page.text
        assert "Missing Authentication Token" not in page.text
    posted = requests.post(f"{portal.url}/bestaat/niet", json={}, timeout=10)
    assert posted.status_code == 404
    api = requests.get(f"{portal.url}/api/v1/bestaat/niet", timeout=10)
    assert (api.status_code, api.headers["Content-Type"]) == (404, "application/problem+json")
    assert requests.get(f"{portal.url}/events", timeout=10).status_code == 200  # real routes still answer
