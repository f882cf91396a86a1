"""Two networks in one deployment: neither can reach the other's data, whoever asks and however.

Network B holds one of each kind of object (meeting with a workshop round, registration, material,
news, accounts, an export, a mail job, a member's calendar feed, a speaker's link, its logo), each named with a
word that appears nowhere else ("Zwanenburcht"). Every route of the portal is then asked on A's host,
by each of A's people, with B's ids in its path: nothing of B may come back, and B's data stays as it
was. The same requests on B's host find B's word, which shows that the matrix sees a leak."""

from __future__ import annotations

import contextvars
import importlib
import pkgutil
import re

import pytest
from botocore.client import BaseClient

import chalicelib
from chalicelib.accounts.store import account_store
from chalicelib.core import aws, config, tenancy
from chalicelib.core.dynamo import TableStore
from chalicelib.core.keys import email_key, scoped
from chalicelib.events.store import event_store
from chalicelib.library.speakers import invite
from chalicelib.library.store import library_store
from chalicelib.networks import logo
from chalicelib.networks import service as networks
from chalicelib.registrations import service as registration
from tests.support.accounts import make_account, member_feed_path, sign_in
from tests.support.factories import build_event, registration_form, store_event
from tests.support.images import png
from tests.support.library import put_material
from tests.support.networks import A_HOST, B_HOST, make_b
from tests.support.web import FormSession

MARK = "Zwanenburcht"  # in every title and name of network B, nowhere in A
# B's data as it would show: a word before the mark (a search box that repeats "Zwanenburcht" is no leak)
SHOWN = re.compile(rf"(Overleg|Rapport|Bea|Lid|Gemeente|Spreker|Nieuws|Bericht|Tekst|Over) {MARK}")
SLUG = "besloten-overleg"  # B's meeting; A has none of this name


@pytest.fixture
def b_objects(moto, client) -> dict[str, str]:
    """Network B with one of each kind of object, and the ids a visitor of A could try."""
    network_b = make_b()
    ids: dict[str, str] = {}
    with tenancy.within(network_b):
        store_event(build_event(slug=SLUG, title=f"Overleg {MARK}", capacity=20))
        reg = registration.register(SLUG, registration_form(name=f"Bea {MARK}", email="bea@haaglanden.nl"), "nl")
        ids["token"] = reg.registration.token
        ids["material_id"] = put_material("public", event_slug=SLUG, title=f"Rapport {MARK}").id
        make_account("lid@haaglanden.nl", name=f"Lid {MARK}", organisation=f"Gemeente {MARK}")
        make_account("org@haaglanden.nl", access="organiser")
        _speaker, link = invite(SLUG, (1,), f"Spreker {MARK}", "", "spreker@haaglanden.nl")
        ids["speaker_token"] = link.rsplit("/", 1)[1]
        ids["key"] = email_key("lid@haaglanden.nl")
        ids["logo"] = logo.use(png(text=f"Over {MARK}"), "test").name  # the word in the file's bytes
    organiser_b = sign_in(FormSession(client, host=B_HOST), "org@haaglanden.nl")
    organiser_b.post("/beheer/nieuws", {"title": f"Nieuws {MARK}", "body": f"Over {MARK}."})
    ids["export_id"] = (
        organiser_b.post(f"/beheer/bijeenkomsten/{SLUG}/export", {}).headers["Location"].rsplit("/", 1)[1]
    )
    message = {"subject": f"Bericht {MARK}", "body": f"Tekst {MARK}."}
    job = organiser_b.post(f"/beheer/bijeenkomsten/{SLUG}/bericht", message).headers["Location"]
    ids["job_id"] = job.rsplit("/", 1)[1]
    ids["feed"] = member_feed_path(sign_in(FormSession(client, host=B_HOST), "lid@haaglanden.nl")).rsplit("/", 1)[1]
    return ids


def path_with(route: str, ids: dict[str, str]) -> str:
    """The route with B's ids in its placeholders (a speaker's token on the speaker's routes)."""
    token = ids["speaker_token"] if route.startswith("/spreker/") else ids["token"]
    name = ids["logo"] if route.startswith("/logo/") else "portal.css"
    values = {
        "slug": SLUG,
        "token": token,
        "key": ids["key"],
        "material_id": ids["material_id"],
        "export_id": ids["export_id"],
        "job_id": ids["job_id"],
        "feed": ids["feed"],
        "speaker_id": "0" * 12,
        "question_id": "1",
        "position": "1",
        "action": "publiceren",
        "code": "nl",
        "name": name,
        "proxy+": f"events/{SLUG}",
    }
    return re.sub(r"\{([^}]+)\}", lambda m: values.get(m.group(1), "x"), route)


# what B's data may be found through besides a route's own path: search, feeds, API, suggestions
SEARCHES = (
    f"/kennisbank?q={MARK}",
    f"/kennisbank?q={MARK[:5]}",
    f"/api/v1/materials?q={MARK}",
    "/api/v1/events",
    "/events?toon=alle",
    "/events.ics",
    "/nieuws.atom",
)


def leaks(person: FormSession, ids: dict[str, str]) -> dict[str, int]:
    """Every route (and search) asked by `person` with B's ids: those whose answer shows B's word."""
    from app import app

    found = {}
    requests = [(m, path_with(r, ids)) for r, methods in app.routes.items() for m in methods if r != "/uitloggen"]
    requests += [("GET", path) for path in SEARCHES]
    # reading first: on B's own host (the negative control) a POST may remove what a GET would show (its logo)
    requests.sort(key=lambda request: request[0] != "GET")
    for method, path in requests:
        if method == "POST":
            response = person.post(path, {})
        else:  # accepting anything, as a browser does (a picture or a PDF is sent only to one that does)
            response = person.client.http.request(method, path, headers={**person.headers, "accept": "*/*"})
        seen = response.body.decode(errors="replace") + str(response.headers.get("Location", ""))
        if SHOWN.search(seen):
            found[f"{method} {path}"] = response.status_code
    return found


@pytest.mark.parametrize("role", ["visitor", "member", "organiser"])
def test_nothing_of_network_b_reaches_anyone_on_network_as_host(b_objects, client, role):
    make_account("lid@zwijndrecht.nl")
    make_account("org@zwijndrecht.nl", access="organiser")
    people = {
        "visitor": FormSession(client, host=A_HOST),
        "member": sign_in(FormSession(client, host=A_HOST), "lid@zwijndrecht.nl"),
        "organiser": sign_in(FormSession(client, host=A_HOST), "org@zwijndrecht.nl"),
    }

    assert leaks(people[role], b_objects) == {}

    # and nothing that A's people posted with B's ids changed B's data
    with tenancy.within(networks.named("haaglanden")):
        event = event_store().get(SLUG)
        assert event is not None
        assert event.status == "published"
        assert registration.find(b_objects["token"])[0].status == "confirmed"
        material = library_store().material(b_objects["material_id"])
        assert material is not None
        assert material.status == "published"
        account = account_store().get("lid@haaglanden.nl")
        assert account is not None
        assert (account.status, account.access) == ("approved", "member")
        networks.forget()
        b_logo = networks.named("haaglanden").logo
        assert b_logo is not None
        assert b_logo.name == b_objects["logo"]


def test_negative_control_the_same_matrix_on_bs_own_host_finds_bs_data(b_objects, client):
    organiser_b = sign_in(FormSession(client, host=B_HOST), "org@haaglanden.nl")
    found = leaks(organiser_b, b_objects)
    # the meeting, its registration, the material, the news, the account, the job: all seen on B's host
    assert {f"GET /events/{SLUG}", f"GET /r/{b_objects['token']}", "GET /nieuws.atom"} <= set(found)
    assert f"GET /beheer/verzendingen/{b_objects['job_id']}" in found
    assert f"GET /logo/{b_objects['logo']}" in found


def test_a_meeting_of_one_network_is_404_on_the_others_host_and_each_home_is_its_own(moto, client):
    make_b()
    store_event(build_event(slug="alleen-in-a", title="Alleen in A"))
    with tenancy.within(networks.named("haaglanden")):
        store_event(build_event(slug="alleen-in-b", title="Alleen in B"))

    def get(host: str, path: str):
        return client.http.get(path, headers={"host": host})

    assert get(A_HOST, "/events/alleen-in-a").status_code == 200
    assert get(B_HOST, "/events/alleen-in-a").status_code == 404
    assert get(B_HOST, "/events/alleen-in-b").status_code == 200
    assert get(A_HOST, "/events/alleen-in-b").status_code == 404
    home_a, home_b = get(A_HOST, "/").body.decode(), get(B_HOST, "/").body.decode()
    assert "<h1>Regionaal netwerk maatschappelijk ongenoegen</h1>" in home_a
    assert "palette-blauw" in home_a
    assert "<h1>Netwerk Haaglanden</h1>" in home_b
    assert "palette-petrol" in home_b
    assert "Haaglanden" not in home_a
    # B's logo in B's header only, and not to be had on A's host
    with tenancy.within(networks.named("haaglanden")):
        name = logo.use(png(), "test").name
    assert f'src="/logo/{name}"' in get(B_HOST, "/").body.decode()
    assert "/logo/" not in get(A_HOST, "/").body.decode()
    image = {"accept": "image/png,*/*"}
    assert client.http.get(f"/logo/{name}", headers={"host": B_HOST, **image}).status_code == 200
    assert client.http.get(f"/logo/{name}", headers={"host": A_HOST, **image}).status_code == 404
    assert get("onbekend.example", "/").status_code == 404  # a host of no network


def test_a_session_of_one_network_is_a_visitor_on_the_other(moto, client):
    make_b()
    make_account("lid@zwijndrecht.nl")
    member = sign_in(FormSession(client, host=A_HOST), "lid@zwijndrecht.nl")
    assert member.get("/account").status_code == 200
    member.host = B_HOST  # the same cookie, sent to B's host
    response = member.get("/account")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/inloggen")


def test_the_same_address_holds_a_separate_account_in_each_network(moto, client):
    make_b()
    make_account("dave@politie.nl", access="organiser")
    with tenancy.within(networks.named("haaglanden")):
        make_account("dave@politie.nl")  # a member there
    organiser_a = sign_in(FormSession(client, host=A_HOST), "dave@politie.nl")
    member_b = sign_in(FormSession(client, host=B_HOST), "dave@politie.nl")
    assert organiser_a.get("/beheer").status_code == 200
    assert member_b.get("/beheer").status_code == 403


# -- the store layer: no read or write without a network ------------------------------------------------


def table_stores() -> list[type[TableStore]]:
    for module in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        importlib.import_module(module.name)
    found, todo = [], list(TableStore.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def made_outside_a_network(store: type[TableStore], client: BaseClient) -> bool:
    """Whether the store can be made with no network at all (it must not)."""

    def make() -> bool:
        try:
            store(client, config.table_name())  # type: ignore[arg-type]
        except tenancy.NoNetwork:
            return False
        return True

    return contextvars.Context().run(make)  # a context in which no network was ever entered


def test_no_store_can_be_made_outside_a_network(moto):
    stores = table_stores()
    assert len(stores) >= 12  # every capability's repository
    assert [s.__name__ for s in stores if made_outside_a_network(s, aws.dynamodb())] == []
    # and no key of the table can be made outside one either
    assert contextvars.Context().run(lambda: _raises(lambda: scoped("EVENT#x")))


def test_negative_control_a_store_that_skips_the_check_is_found(moto):
    class Forgetful(TableStore):
        def __init__(self, client: BaseClient, table: str) -> None:  # no super().__init__: no network asked
            self._client, self._table = client, table  # type: ignore[assignment]

    assert made_outside_a_network(Forgetful, aws.dynamodb())


def _raises(action) -> bool:
    try:
        action()
    except tenancy.NoNetwork:
        return True
    return False
