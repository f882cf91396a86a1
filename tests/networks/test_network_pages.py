"""What a visitor reads about the network whose host they asked: its own name in the news feed, its
contact address in every footer and in the privacy statement with its own retention period; and on
a host of no network, a 404 page that offers no links, since every page there is missing too. And a
network's first organiser learns where to sign in: on their network's own host."""

from __future__ import annotations

import contextvars
import re

from click.testing import CliRunner

import manage
from chalicelib.core import tenancy
from chalicelib.networks import service as networks
from tests.support.accounts import make_account, sign_in
from tests.support.networks import A_HOST, B_HOST, make_b, settings_form
from tests.support.web import FormSession


def test_each_networks_news_feed_is_named_after_that_network(moto, client):
    make_b(retention_days=45)
    with tenancy.within(networks.named("haaglanden")):
        make_account("org@haaglanden.nl", access="organiser")
    organiser_b = sign_in(FormSession(client, host=B_HOST), "org@haaglanden.nl")
    organiser_b.post("/beheer/nieuws", {"title": "Kennissessie", "body": "In Den Haag."})

    feed_b = client.http.get("/nieuws.atom", headers={"host": B_HOST}).body.decode()
    feed_a = client.http.get("/nieuws.atom", headers={"host": A_HOST}).body.decode()
    assert "<title>Netwerk Haaglanden: Nieuws</title>" in feed_b
    assert "<author><name>Netwerk Haaglanden</name></author>" in feed_b
    assert "Regionaal netwerk maatschappelijk ongenoegen" not in feed_b
    assert "<title>Regionaal netwerk maatschappelijk ongenoegen: Nieuws</title>" in feed_a
    english = client.http.get("/nieuws.atom", headers={"host": B_HOST, "accept-language": "en"}).body.decode()
    assert "<title>Haaglanden network: News</title>" in english


def test_the_footer_and_privacy_statement_give_the_networks_own_contact_and_retention(moto, client):
    make_b(retention_days=45)
    for host, contact, days in ((B_HOST, "haaglanden@portal.example", 45), (A_HOST, "netwerk@portal.example", 90)):
        home = client.http.get("/", headers={"host": host}).body.decode()
        footer = home.split("<footer", 1)[1]
        assert f'<a href="mailto:{contact}">{contact}</a>' in footer
        privacy = client.http.get("/privacy", headers={"host": host}).body.decode()
        assert f'<a href="mailto:{contact}">{contact}</a>' in privacy
        assert f"Uiterlijk {days} dagen na de bijeenkomst" in privacy
    assert "haaglanden@portal.example" not in client.http.get("/", headers={"host": A_HOST}).body.decode()


def test_a_changed_contact_and_retention_show_in_footer_and_privacy_statement(organiser, client):
    settings = settings_form(themes="polarisatie\nradicalisering")
    assert organiser.post("/beheer/netwerk", settings).status_code == 303
    privacy = organiser.get("/privacy").body.decode()
    assert '<a href="mailto:netwerk@zhz.example">netwerk@zhz.example</a>' in privacy.split("<footer", 1)[1]
    assert "Uiterlijk 60 dagen na de bijeenkomst" in privacy
    assert "mailto:netwerk@zhz.example" in privacy.split("<footer", 1)[0]


def test_a_host_of_no_network_is_a_404_without_links_to_pages_that_are_missing_too(moto, client):
    for language, heading, message in (
        ("nl", "Niet gevonden", "Op dit adres staat geen netwerk."),
        ("en", "Not found", "There is no network at this address."),
    ):
        headers = {"host": "onbekend.localhost:8000", "accept-language": language}
        # as on Lambda, the request starts in no network (the test itself runs inside the default one)
        response = contextvars.Context().run(client.http.get, "/events", headers=headers)
        body = response.body.decode()
        assert response.status_code == 404
        assert f"<h1>{heading}</h1>" in body
        assert message in body
        assert re.findall(r'<a [^>]*href="([^"#]*)"', body) == []  # only the skip link, within the page
        assert "<nav" not in body
    # a known host's 404 keeps its menu and the ways back
    known = client.http.get("/bestaat-niet", headers={"host": A_HOST}).body.decode()
    assert 'href="/events"' in known
    assert "<nav" in known


def test_a_new_organiser_is_told_the_sign_in_address_of_their_own_network(moto):
    make_b(retention_days=45)
    with tenancy.within(networks.named("haaglanden")):  # as `manage.py --network haaglanden` runs it
        result = CliRunner().invoke(manage.create_organiser, ["--email", "eerste@denhaag.nl"])
    assert result.exit_code == 0, result.output
    assert "sign in at http://haaglanden.localhost:8000/inloggen" in result.output
