"""A network's logo: its organisers upload it on /beheer/netwerk, straight to S3; the portal checks it
(PNG or JPEG by its bytes, its size, its pixels), keeps it by the hash of its content, names it in the
network's settings (audited) and shows it in the header of every page, served from the portal's own
address. A refused file changes nothing, and says why in the organiser's language."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from typing import Any

import pytest

from chalicelib.audit.store import AuditChange, audit_store
from chalicelib.core import aws, clock, config, tenancy
from chalicelib.core.object_keys import logo_object, logo_uploads_prefix
from chalicelib.networks import logo
from chalicelib.networks import service as networks
from chalicelib.networks.store import network_store
from tests.support.aws import hooked
from tests.support.faults import fault
from tests.support.images import SVG, TEXT_AS_PNG, jpeg, png
from tests.support.library import s3_objects
from tests.support.networks import settings_form
from tests.support.web import FormSession, upload_through_page

IMAGE_ACCEPT = {"accept": "image/avif,image/webp,image/png,image/*,*/*;q=0.8"}  # what a browser asks for an <img>


def name_of(content: bytes, extension: str = "png") -> str:
    return f"{hashlib.sha256(content).hexdigest()[:32]}.{extension}"


def upload(organiser: FormSession, content: bytes, filename: str = "logo.png") -> tuple[str, Any]:
    """Send a file with the settings page's form as the browser does, then come back as S3 sends the
    browser back: the key it went to, and the portal's answer."""
    key = upload_through_page(organiser.get("/beheer/netwerk").body.decode(), content, filename)
    return key, organiser.get(f"/beheer/netwerk/logo?key={key}")


def kept_logos() -> list[str]:
    return sorted(key for key, _version in s3_objects() if "/logos/" in key or key.startswith("logo-uploads/"))


def logo_changes() -> list[tuple[object, object]]:
    month = clock.now().strftime("%Y-%m")
    entries = [e for e in audit_store().month(month, 50).items if e.action == "network.updated"]
    return [(e.before.get("logo"), e.after.get("logo")) for e in reversed(entries)]


def test_an_uploaded_logo_is_kept_by_its_hash_named_in_the_settings_and_shown_beside_the_name(organiser, client):
    content = png(120, 40)
    key, answer = upload(organiser, content)

    assert answer.status_code == 303
    assert answer.headers["Location"] == "/beheer/netwerk?logo=opgeslagen"
    assert key.startswith("logo-uploads/n/rotterdam/")
    name = name_of(content)
    # kept under the network's own key, the upload gone
    assert kept_logos() == [f"n/rotterdam/logos/{name}"]
    assert networks.named(tenancy.name()).logo == tenancy.Logo(name, 120, 40)
    assert logo_changes() == [(None, name)]
    assert "Het logo is opgeslagen." in organiser.get(answer.headers["Location"]).body.decode()

    # every page's header, beside the name: decorative, so no alt text of its own
    home = client.http.get("/").body.decode()
    header = home.split("</header>", 1)[0]
    assert (
        f'<a class="brand brand-with-logo" href="/"><img class="brand-logo" src="/logo/{name}" alt="" '
        'width="120" height="40">Regionaal netwerk maatschappelijk ongenoegen</a>'
    ) in header
    served = client.http.get(f"/logo/{name}", headers=IMAGE_ACCEPT)
    assert served.status_code == 200
    assert served.body == content
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_the_form_goes_straight_to_s3_for_the_networks_own_prefix_and_at_most_200_kb(organiser):
    page = organiser.get("/beheer/netwerk")
    body = page.body.decode()
    policy = re.search(r'name="policy" value="([^"]+)"', body)
    assert policy is not None
    conditions = json.loads(base64.b64decode(policy.group(1)))["conditions"]
    assert ["content-length-range", 1, 200 * 1024] in conditions
    assert ["starts-with", "$key", logo_uploads_prefix()] in conditions
    assert {"success_action_redirect": f"{config.base_url()}/beheer/netwerk/logo"} in conditions
    assert "PNG of JPEG, tot 200 kB, 16 tot 1200 pixels breed en hoog." in body  # what the check holds it to
    # the page may send the form to S3, and only there besides itself
    s3_origin = re.search(r'<form method="post" action="(https?://[^/"]+)', body)
    assert s3_origin is not None
    assert f"form-action 'self' {s3_origin.group(1)};" in page.headers["Content-Security-Policy"]


def test_a_jpeg_is_kept_as_one(organiser, client):
    content = jpeg(300, 100)
    _key, answer = upload(organiser, content, "logo.jpeg")
    assert answer.status_code == 303
    name = name_of(content, "jpg")
    assert networks.named(tenancy.name()).logo == tenancy.Logo(name, 300, 100)
    assert client.http.get(f"/logo/{name}", headers=IMAGE_ACCEPT).headers["Content-Type"] == "image/jpeg"


REFUSED = {
    "svg": (
        SVG,
        "Een logo is een PNG- of JPEG-afbeelding, en dit bestand is geen van beide. SVG kan script bevatten",
        "A logo is a PNG or JPEG image, and this file is neither. SVG can carry script",
    ),
    "text-named-png": (
        TEXT_AS_PNG,
        "Een logo is een PNG- of JPEG-afbeelding, en dit bestand is geen van beide.",
        "A logo is a PNG or JPEG image, and this file is neither.",
    ),
    "too-large": (
        png(200, 60, text="x" * 210_000),
        "Het logo is te groot: maximaal 200 kB.",
        "The logo is too large: at most 200 kB.",
    ),
    "too-wide": (
        png(2400, 60),
        "Het logo is 2400 bij 60 pixels; het mag 16 tot 1200 pixels breed en hoog zijn.",
        "The logo is 2400 by 60 pixels; it may be 16 to 1200 pixels wide and high.",
    ),
    "too-small": (
        jpeg(12, 12),
        "Het logo is 12 bij 12 pixels; het mag 16 tot 1200 pixels breed en hoog zijn.",
        "The logo is 12 by 12 pixels; it may be 16 to 1200 pixels wide and high.",
    ),
    "cut-short": (
        png(120, 40)[:-20],
        "Het bestand lijkt een PNG-afbeelding, maar is beschadigd of onvolledig.",
        "The file looks like a PNG image, but it is damaged or incomplete.",
    ),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_a_refused_file_changes_nothing_and_says_why_in_dutch_and_english(organiser, kind):
    content, dutch, english = REFUSED[kind]
    for language, message in (("nl", dutch), ("en", english)):
        organiser.language = language
        _key, answer = upload(organiser, content, "logo.png")
        body = answer.body.decode()
        assert answer.status_code == 422, kind
        assert message in body, (kind, language)
        assert 'aria-invalid="true"' in body  # the file field is marked, with the form to try again
        assert 'id="upload-form"' in body
        assert kept_logos() == []  # the upload deleted, nothing kept
    assert networks.named(tenancy.name()).logo is None
    assert logo_changes() == []


def test_an_upload_that_never_arrived_or_is_not_the_networks_is_refused(organiser):
    prefix = logo_uploads_prefix()
    missing = organiser.get(f"/beheer/netwerk/logo?key={prefix}{'0' * 16}")
    assert missing.status_code == 422
    assert "Het bestand is niet aangekomen." in missing.body.decode()
    for key in ("", f"{prefix}../x", f"logo-uploads/n/haaglanden/{'0' * 16}", f"incoming/{prefix}{'0' * 16}"):
        assert organiser.get(f"/beheer/netwerk/logo?key={key}").status_code == 404, key


def test_a_new_logo_replaces_the_old_and_removing_it_brings_back_the_portals_mark(organiser, client):
    first, second = png(120, 40), png(160, 40)
    upload(organiser, first)
    upload(organiser, second)
    assert kept_logos() == [f"n/rotterdam/logos/{name_of(second)}"]  # the first deleted, every version
    assert client.http.get(f"/logo/{name_of(first)}", headers=IMAGE_ACCEPT).status_code == 404

    settings = organiser.get("/beheer/netwerk").body.decode()
    assert f'<img class="logo-preview" src="/logo/{name_of(second)}" alt="Het huidige logo"' in settings
    answer = organiser.post("/beheer/netwerk/logo/verwijderen", {})
    assert answer.status_code == 303
    assert "Het logo is verwijderd." in organiser.get(answer.headers["Location"]).body.decode()

    assert kept_logos() == []
    assert networks.named(tenancy.name()).logo is None
    header = client.http.get("/").body.decode().split("</header>", 1)[0]
    assert '<a class="brand" href="/">Regionaal netwerk maatschappelijk ongenoegen</a>' in header
    assert "/logo/" not in header
    assert client.http.get(f"/logo/{name_of(second)}", headers=IMAGE_ACCEPT).status_code == 404
    assert logo_changes() == [(None, name_of(first)), (name_of(first), name_of(second)), (name_of(second), None)]


def test_saving_the_other_settings_keeps_the_logo(organiser):
    upload(organiser, png())
    form = settings_form()
    assert organiser.post("/beheer/netwerk", form).status_code == 303
    network = networks.named(tenancy.name())
    assert (network.title["nl"], network.logo) == ("Netwerk Zuid-Holland Zuid", tenancy.Logo(name_of(png()), 120, 40))


def test_only_a_logo_name_of_the_right_form_is_read(client):
    s3_calls: list[str] = []
    with hooked(aws.s3(), "before-call.s3", lambda model, **_: s3_calls.append(model.name)):
        for name in ("portal.css", f"{'0' * 32}.svg", f"{'0' * 32}.png.html", "..%2Flogo.png"):
            assert client.http.get(f"/logo/{name}", headers=IMAGE_ACCEPT).status_code == 404, name
        assert s3_calls == []  # refused before S3 is asked
        # the negative control: a name of the right form is looked for
        assert client.http.get(f"/logo/{'0' * 32}.png", headers=IMAGE_ACCEPT).status_code == 404
        assert s3_calls == ["GetObject"]


# -- faults and a race -----------------------------------------------------------------------------------------


def test_when_s3_fails_in_passing_the_upload_waits_for_another_try(organiser):
    content = png()
    key = upload_through_page(organiser.get("/beheer/netwerk").body.decode(), content, "logo.png")
    with fault(aws.s3(), "GetObject", code="SlowDown", status=503) as injected:
        answer = organiser.get(f"/beheer/netwerk/logo?key={key}")
    assert injected.calls > 0
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert kept_logos() == [key]  # still there for the next try
    assert networks.named(tenancy.name()).logo is None
    # the negative control: the same return, S3 answering, makes it the logo
    assert organiser.get(f"/beheer/netwerk/logo?key={key}").status_code == 303
    assert networks.named(tenancy.name()).logo == tenancy.Logo(name_of(content), 120, 40)


def test_when_the_settings_cannot_be_written_the_logo_stays_as_it_was(organiser):
    key = upload_through_page(organiser.get("/beheer/netwerk").body.decode(), png(), "logo.png")
    with fault(aws.dynamodb(), "TransactWriteItems", code="ThrottlingException") as injected:
        answer = organiser.get(f"/beheer/netwerk/logo?key={key}")
    assert injected.calls > 0
    assert answer.status_code == 503
    assert networks.named(tenancy.name()).logo is None
    assert logo_changes() == []
    assert key in kept_logos()  # the upload waits; a second try writes the same key again
    assert organiser.get(f"/beheer/netwerk/logo?key={key}").status_code == 303  # the negative control
    assert logo_changes() == [(None, name_of(png()))]


def another_organiser_sets(content: bytes) -> str:
    """What an organiser served by another process does: its logo kept and named, while this process
    still holds the list of networks it read before (kept for a minute)."""
    name = name_of(content)
    aws.s3().put_object(Bucket=config.bucket_name(), Key=logo_object(name), Body=content)
    stored = {"name": name, "width": 120, "height": 40}
    audit = AuditChange("b@zwijndrecht.nl", "network.updated", tenancy.name(), {}, {"logo": name}, "2027-01-01")
    network_store().set_logo(tenancy.name(), "", stored, audit)
    return name


def test_a_logo_set_meanwhile_elsewhere_is_the_one_replaced_and_deleted(organiser):
    networks.all_networks()  # this process's list: no logo
    theirs = another_organiser_sets(png(120, 40))
    mine = png(160, 40)
    _key, answer = upload(organiser, mine)
    assert answer.status_code == 303
    assert networks.named(tenancy.name()).logo == tenancy.Logo(name_of(mine), 160, 40)
    assert kept_logos() == [f"n/rotterdam/logos/{name_of(mine)}"]  # theirs deleted, not left behind
    assert logo_changes()[-1] == (theirs, name_of(mine))  # the entry names what it replaced


def test_negative_control_without_trying_again_the_race_is_lost(organiser, monkeypatch):
    monkeypatch.setattr(logo, "_TRIES", 1)
    networks.all_networks()
    theirs = another_organiser_sets(png(120, 40))
    _key, answer = upload(organiser, png(160, 40))
    assert answer.status_code == 409
    networks.forget()
    assert networks.named(tenancy.name()).logo == tenancy.Logo(theirs, 120, 40)


def test_the_demos_second_network_shows_its_own_logo_and_the_first_none(moto, client):
    from devtools import demo_network

    demo_network.main()  # as `make run` seeds it
    haaglanden = networks.named("haaglanden")
    assert haaglanden.logo == tenancy.Logo(name_of(demo_network.LOGO.read_bytes()), 128, 128)
    home = client.http.get("/", headers={"host": "haaglanden.localhost:8000"}).body.decode()
    assert f'<img class="brand-logo" src="/logo/{haaglanden.logo.name}" alt=""' in home
    assert "/logo/" not in client.http.get("/").body.decode()
