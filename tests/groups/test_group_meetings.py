"""A working group's meeting exists for the group's members and the organisers only.

The drivergroep's meeting is titled with a word that appears nowhere else ("Kraaiennest"). Every
route of the portal is asked by each person outside the group (a visitor, a member of the network,
a member of another group) with the meeting's slug and the group's name in its path, and the lists,
feeds, search and API besides: the word may come back from none of them, and the meeting's page,
.ics and registration are 404, as a missing meeting's. Its members, its lead and the organisers
find it; the same matrix with the rule switched off, or on a public meeting, finds it too."""

from __future__ import annotations

import re
from datetime import date

import pytest

from chalicelib.accounts import groups
from chalicelib.accounts.store import account_store
from chalicelib.core import clock
from chalicelib.events.model import Event
from chalicelib.following import digest
from tests.support.accounts import make_account, sign_in
from tests.support.aws import deliver_mail, sent_mail
from tests.support.factories import build_event, registration_form, store_event
from tests.support.stored import present
from tests.support.web import FormSession

MARK = "Kraaiennest"
SHOWN = re.compile(rf"Overleg {MARK}")
SLUG = "overleg-drivergroep"
OUTSIDE = ("visitor", "member", "other-group")
INSIDE = ("group-member", "lead", "organiser")
# where a meeting can be found besides its own addresses
LISTS = (
    "/",
    "/events",
    "/events?when=past",
    "/events.ics",
    "/api/v1/events",
    f"/api/v1/events/{SLUG}",
    f"/kennisbank?q={MARK}",
    f"/kennisbank?q={MARK[:6]}",
    f"/api/v1/kennisbank?q={MARK}",
    "/nieuws.atom",
    "/groepen",
)
PEOPLE = {
    "member": "buiten@rotterdam.nl",
    "other-group": "ander@dordrecht.nl",
    "group-member": "lid@om.nl",
    "lead": "trekker@politie.nl",
    "organiser": "org@zwijndrecht.nl",
}


@pytest.fixture
def world(moto, client) -> dict[str, FormSession]:
    for role, email in PEOPLE.items():
        make_account(email, access="organiser" if role == "organiser" else "member")
    organiser = present(account_store().get(PEOPLE["organiser"]))
    groups.create(organiser.email, {"name": "drivergroep", "title": "Drivergroep"})
    groups.create(organiser.email, {"name": "andere-groep", "title": "Andere groep"})
    groups.add_member(organiser, "drivergroep", {"email": PEOPLE["lead"], "lead": "yes"})
    groups.add_member(organiser, "drivergroep", {"email": PEOPLE["group-member"]})
    groups.add_member(organiser, "andere-groep", {"email": PEOPLE["other-group"]})
    meeting = build_event(slug=SLUG, title=f"Overleg {MARK}", group="drivergroep", date=date(2027, 3, 18))
    store_event(meeting)
    people = {"visitor": FormSession(client)}
    people.update({role: sign_in(FormSession(client), email) for role, email in PEOPLE.items()})
    return people


def requests_of(app_routes: dict) -> list[tuple[str, str]]:
    values = {"slug": SLUG, "name": "drivergroep"}
    fill = lambda route: re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "x"), route)  # noqa: E731
    found = [(m, fill(r)) for r, methods in app_routes.items() for m in methods if r != "/uitloggen"]
    return found + [("GET", path) for path in LISTS]


def seen_by(person: FormSession) -> dict[str, int]:
    """Every route and list asked by `person`: those whose answer shows the meeting."""
    from app import app

    found = {}
    for method, path in requests_of(app.routes):
        if method == "POST":
            response = person.post(path, {})
        else:
            response = person.client.http.request(method, path, headers=person.headers)
        seen = response.body.decode(errors="replace") + str(response.headers.get("Location", ""))
        if SHOWN.search(seen):
            found[f"{method} {path}"] = response.status_code
    return found


@pytest.mark.parametrize("role", OUTSIDE)
def test_outside_the_group_the_meeting_is_nowhere_and_its_addresses_are_missing(world, role):
    person = world[role]
    assert seen_by(person) == {}
    assert person.get(f"/events/{SLUG}").status_code == 404
    assert person.get(f"/events/{SLUG}.ics").status_code == 404
    assert person.get("/groepen/drivergroep").status_code in (303, 404)  # a visitor is asked to sign in first
    registered = person.post(f"/events/{SLUG}/aanmelden", registration_form(email="iemand@rotterdam.nl"))
    assert registered.status_code == 404


@pytest.mark.parametrize("role", INSIDE)
def test_the_group_and_the_organisers_find_it_and_members_register_as_usual(world, role):
    person = world[role]
    page = person.get(f"/events/{SLUG}")
    assert page.status_code == 200
    assert f"Overleg {MARK}" in page.body.decode()
    assert person.get(f"/events/{SLUG}.ics").status_code == 200
    if role == "organiser":  # organisers find it in the workspace, not among their own groups' meetings
        assert f"Overleg {MARK}" in person.get("/beheer/bijeenkomsten?status=werkgroepen").body.decode()
        return
    listed = person.get("/events").body.decode()
    assert f"Overleg {MARK}" in listed
    assert "Alleen voor de werkgroep Drivergroep" in listed  # the group's name, not its short one
    assert f"Overleg {MARK}" in person.get("/groepen/drivergroep").body.decode()
    form = registration_form(email=PEOPLE[role], name="Lid van de drivergroep")
    assert person.post(f"/events/{SLUG}/aanmelden", form).status_code in (200, 303)


def test_negative_control_without_the_rule_the_matrix_finds_the_meeting(world, monkeypatch):
    monkeypatch.setattr(Event, "visible_to", lambda self, viewer: True)
    found = seen_by(world["visitor"])
    assert {f"GET /events/{SLUG}", f"POST /events/{SLUG}/aanmelden"} <= set(found)


def test_negative_control_a_public_meeting_shows_in_every_list(world):
    store_event(build_event(slug="openbaar-overleg", title=f"Overleg {MARK} voor iedereen", date=date(2027, 3, 19)))
    found = seen_by(world["visitor"])
    assert {"GET /", "GET /events", "GET /events.ics", "GET /api/v1/events"} <= set(found)


def test_only_the_groups_members_are_invited_and_the_digest_tells_nobody(world):
    follower = present(account_store().get(PEOPLE["member"]))
    follower.themes = ("polarisatie",)
    account_store().save(follower)
    deliver_mail()
    invited = [m for m in sent_mail() if "Uitnodiging" in m.subject]
    assert sorted(a for m in invited for a in m.destinations["ToAddresses"]) == [PEOPLE["group-member"], PEOPLE["lead"]]
    assert all("/inloggen?next=/events/overleg-drivergroep" in m.body for m in invited)
    assert all("een bijeenkomst van de werkgroep Drivergroep." in m.body for m in invited)
    # a public meeting published the same day reaches the follower's digest; the group's does not
    store_event(build_event(slug="openbaar", title="Openbaar overleg", date=date(2027, 3, 19)))
    assert digest.send_digest(clock.now().date()) == 1
    deliver_mail()
    digests = [m for m in sent_mail() if m.destinations["ToAddresses"] == [PEOPLE["member"]] and "thema" in m.subject]
    assert len(digests) == 1
    assert "Openbaar overleg" in digests[0].body
    assert MARK not in digests[0].body
