"""A network's organisers set its name, colours, contacts and retention in the workspace; the pages,
the mails and security.txt of that network follow, and no other network's."""

from __future__ import annotations

from chalicelib.audit.store import audit_store
from chalicelib.core import clock, tenancy
from chalicelib.networks import service as networks
from chalicelib.registrations import service as registration
from tests.support.accounts import make_account, sign_in
from tests.support.aws import sent_mail
from tests.support.factories import registration_form
from tests.support.networks import settings_form
from tests.support.web import FormSession

SETTINGS = settings_form(
    description_nl="Samen tegen polarisatie.",
    description_en="Together against polarisation.",
    themes="polarisatie\nJeugd en radicalisering\n\npolarisatie",
)


def test_saved_settings_show_on_every_page_mail_and_security_txt(organiser, client, make_event):
    page = organiser.get("/beheer/netwerk").body.decode()
    assert 'value="Regionaal netwerk maatschappelijk ongenoegen"' in page  # what holds now, to edit

    assert organiser.post("/beheer/netwerk", SETTINGS).status_code == 303

    home = organiser.get("/").body.decode()
    assert "<h1>Netwerk Zuid-Holland Zuid</h1>" in home
    assert "palette-bordeaux" in home
    assert "Samen tegen polarisatie." in home
    assert "Contact: mailto:security@zhz.example" in client.http.get("/.well-known/security.txt").body.decode()
    assert networks.named(tenancy.name()).retention_days == 60
    # a mail of the network answers to its contact
    event = make_event()
    with tenancy.within(networks.named(tenancy.name())):
        registration.register(event.slug, registration_form(), "nl")
    assert "Reply-To: netwerk@zhz.example" in sent_mail()[-1].raw
    # and the change is in the log, with what it was
    month = clock.now().strftime("%Y-%m")
    [entry] = [e for e in audit_store().month(month, 50).items if e.action == "network.updated"]
    assert entry.before["palette"] == "blauw"
    assert entry.after["palette"] == "bordeaux"


def test_wrong_settings_are_all_named_at_once_and_what_was_typed_stays(organiser):
    wrong = {**SETTINGS, "title_nl": "", "contact": "geen adres", "security_contact": "ftp://x", "palette": "roze"}
    response = organiser.post("/beheer/netwerk", {**wrong, "retention_days": "5"})
    assert response.status_code == 422
    body = response.body.decode()
    for message in (
        "Dit veld is verplicht.",
        "Vul een geldig e-mailadres in",
        "Begin met mailto: of https://",
        "Kies een van de kleuren.",
        "Vul een aantal dagen in tussen 30 en 730.",
    ):
        assert message in body, message
    assert 'value="geen adres"' in body
    assert networks.named(tenancy.name()).palette == "blauw"  # nothing saved


def test_a_member_cannot_change_the_network(client, organiser):
    make_account("lid@rotterdam.nl")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    assert member.post("/beheer/netwerk", SETTINGS).status_code == 403
    assert networks.named(tenancy.name()).palette == "blauw"


def test_a_networks_own_themes_are_its_forms_and_filters_and_no_other_networks(organiser, client):
    network_b = networks.create(
        "haaglanden",
        {"title_nl": "Netwerk Haaglanden", "sender": "n@portal.example", "contact": "h@portal.example"},
        "t",
    )
    assert organiser.post("/beheer/netwerk", SETTINGS).status_code == 303
    # typed with a blank line and a double: kept once each, in the order typed
    assert networks.named(tenancy.name()).themes == ("polarisatie", "jeugd en radicalisering")
    form = organiser.get("/beheer/bijeenkomsten/nieuw").body.decode()
    assert "jeugd en radicalisering" in form
    assert "statelijke dreigingen" not in form
    # the other network keeps the themes it had
    library_b = client.http.get("/kennisbank", headers={"host": "haaglanden.localhost:8000"}).body.decode()
    assert "statelijke dreigingen" in library_b
    assert "jeugd en radicalisering" not in library_b
    assert network_b.themes == ()  # none of its own: the seed network's


def test_too_many_or_too_long_themes_are_refused_with_the_rest_kept(organiser):
    many = "\n".join(f"thema {n}" for n in range(13))
    response = organiser.post("/beheer/netwerk", {**SETTINGS, "themes": many})
    assert response.status_code == 422
    assert "Vul 1 tot 12 thema" in response.body.decode()
    assert 'value="Netwerk Zuid-Holland Zuid"' in response.body.decode()
    long = organiser.post("/beheer/netwerk", {**SETTINGS, "themes": "x" * 61})
    assert "Een thema is 2 tot 60 tekens lang." in long.body.decode()
