"""Who reaches a group's documents: every route of them against the visitor, a member of the network
outside the group, a member of another group, a member, a lead and an organiser. Outside the group
every address is missing (404, as for a group that does not exist); a visitor without a session is
sent to sign in from every address alike, so that nothing is told."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from chalicelib.accounts import groups
from chalicelib.accounts.store import account_store
from chalicelib.core.keys import email_key
from tests.support.documents import pdf
from tests.support.group_documents import (
    GROUP,
    MEMBER,
    ORGANISER,
    drivergroep,
    history_of,
    new_document,
    upload_version,
)
from tests.support.stored import present
from tests.support.web import FormSession

ROLES = ("visitor", "outsider", "other_group", "member", "lead", "organiser")
OUTSIDE = {"visitor": 303, "outsider": 404, "other_group": 404}


@pytest.fixture
def people(client):
    return drivergroep(client)


def visit(session: FormSession, method: str, path: str, form: dict[str, str] | None = None) -> int:
    if method == "GET":
        return int(session.get(path).status_code)
    return int(session.post(path, form or {}).status_code)


def routes(document: str, key: str) -> dict[tuple[str, str], dict[str, int]]:
    """(method, path) -> the status for each role inside the group (outside: OUTSIDE, or 401 for a
    visitor's POST)."""
    group_page = f"/groepen/{GROUP}/documenten/nieuw"
    return {
        ("GET", group_page): {"member": 200, "lead": 200, "organiser": 200},
        ("POST", group_page): {"member": 422, "lead": 422, "organiser": 422},  # an empty title
        ("GET", document): {"member": 200, "lead": 200, "organiser": 200},
        ("GET", f"{document}/versies/1"): {"member": 303, "lead": 303, "organiser": 303},
        ("GET", f"{document}/versies/2"): {"member": 404, "lead": 404, "organiser": 404},
        # the member's own upload, kept already: done; to anyone else it is not theirs to keep
        ("GET", f"{document}/klaar?key={quote(key)}"): {"member": 303, "lead": 404, "organiser": 404},
        ("POST", document): {"member": 403, "lead": 422, "organiser": 422},  # publishing: an empty form
        ("POST", f"{document}/intrekken"): {"member": 403, "lead": 303, "organiser": 303},
    }


def test_outside_the_group_every_address_of_its_documents_is_missing(people):
    document = new_document(people.member)
    upload_version(people.member, document, pdf("Concept"), "Concept.pdf")
    key = "incoming/" + history_of(document).versions[0].object_key
    sessions = people.by_role()
    seen = {}
    for (method, path), inside in routes(document, key).items():
        for role in ROLES:
            seen[(method, path, role)] = visit(sessions[role], method, path)
            expected = inside.get(role) or (401 if method == "POST" and role == "visitor" else OUTSIDE[role])
            assert seen[(method, path, role)] == expected, (method, path, role)
    # negative control: the same addresses of another group's document answer its own member
    other = people.other_group.post("/groepen/werkgroep-online/documenten/nieuw", {"title": "Eigen stuk"})
    assert other.status_code == 303
    assert visit(people.other_group, "GET", other.headers["Location"]) == 200
    assert visit(people.member, "GET", other.headers["Location"]) == 404


def test_someone_taken_out_of_the_group_loses_its_documents_at_once(people):
    document = new_document(people.lead)
    assert visit(people.member, "GET", document) == 200
    organiser = present(account_store().get(ORGANISER))
    groups.remove_member(organiser, GROUP, email_key(MEMBER))
    assert visit(people.member, "GET", document) == 404
    assert visit(people.member, "GET", f"/groepen/{GROUP}/documenten/nieuw") == 404
