"""Following themes: the choice on /account, the daily digest of what was published, unfollowing from the mail."""

from __future__ import annotations

import email
from datetime import datetime, timedelta

import pytest

from chalicelib.accounts.store import account_store
from chalicelib.audit.store import audit_store
from chalicelib.core import aws, config
from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import primary_key
from chalicelib.core.errors import UnsubscribeLinkInvalid
from chalicelib.core.keys import event_pk, material_pk
from chalicelib.events import workspace
from chalicelib.events.listings import event_listings
from chalicelib.events.store import event_store
from chalicelib.following import digest
from chalicelib.library import documents, speakers
from chalicelib.library import service as library
from chalicelib.library.model import FileType, Material, MaterialAccess, MaterialStatus, materials_of
from chalicelib.library.store import library_store
from chalicelib.mail.model import JobKind, JobStatus
from chalicelib.mail.store import job_store
from tests.support.accounts import make_account, sign_in
from tests.support.aws import deliver_mail, sent_mail
from tests.support.documents import pdf
from tests.support.factories import build_event, store_event
from tests.support.jobs import scheduled
from tests.support.library import kept_at
from tests.support.stored import present
from tests.support.web import FormSession, upload_through_page

PDF = pdf("Polarisatie in de wijk")
SUBJECT = "Nieuw in de thema's die u volgt"
SLUG = "netwerkbijeenkomst-test"
PUBLISHED_DAY = "2026-11-25"  # the tests' clock starts on this day; the digest runs the next morning


def follow(email_address: str, *themes: str, **fields: str) -> None:
    account = make_account(email_address, **fields)
    account.themes = themes
    account_store().save(account)


def next_morning(now: dict[str, datetime]) -> None:
    now["value"] = datetime(2026, 11, 26, 7, 0, tzinfo=TIMEZONE)


def digests() -> dict[str, email.message.Message]:
    """Addressee -> their digest, parsed."""
    return {
        m.destinations["ToAddresses"][0]: email.message_from_string(m.raw) for m in sent_mail() if m.subject == SUBJECT
    }


def plain(message: email.message.Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return bytes(part.get_payload(decode=True)).decode()
    raise AssertionError("no text part")


def test_a_member_chooses_the_themes_they_follow_on_their_account_page(moto, client):
    make_account("lid@rotterdam.nl")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    page = member.get("/account").body.decode()
    assert "Thema's die u volgt" in page
    assert 'name="theme_3"' in page

    response = member.post("/account/themas", {"theme_0": "yes", "theme_3": "yes", "theme_9": "yes"})
    assert (response.status_code, response.headers["Location"]) == (303, "/account?themas=opgeslagen#themas")
    account = present(account_store().get("lid@rotterdam.nl"))
    assert account.themes == ("polarisatie", "online aangejaagde ordeverstoring")  # an unknown box is ignored
    assert [a.email for a in account_store().followers()] == ["lid@rotterdam.nl"]
    page = member.get("/account?themas=opgeslagen").body.decode()
    assert "U volgt nu: polarisatie, online aangejaagde ordeverstoring." in page
    assert 'id="veld-theme_3" name="theme_3" type="checkbox" value="yes" checked' in page
    entry = audit_store().month("2026-11", 50).items[0]
    assert (entry.action, entry.after["themes"]) == (
        "account.themes",
        ["polarisatie", "online aangejaagde ordeverstoring"],
    )

    member.post("/account/themas", {})
    assert present(account_store().get("lid@rotterdam.nl")).themes == ()
    assert account_store().followers() == []
    assert "U volgt geen thema's meer." in member.get("/account?themas=opgeslagen").body.decode()


def test_only_approved_accounts_are_followers(moto):
    follow("lid@rotterdam.nl", "extremisme")
    follow("wacht@rotterdam.nl", "extremisme", status="pending")
    follow("uit@rotterdam.nl", "extremisme", status="disabled")
    assert [a.email for a in account_store().followers()] == ["lid@rotterdam.nl"]


def test_the_digest_lists_what_each_follower_follows_and_may_open(moto, client, now):
    follow("lid@rotterdam.nl", "polarisatie")
    follow("ander@rotterdam.nl", "extremisme")  # nothing new in their theme: no mail
    follow("org@zwijndrecht.nl", "polarisatie", access="organiser")
    follow("wacht@rotterdam.nl", "polarisatie", status="pending")
    store_event(build_event(slug="polarisatie-in-de-wijk", title="Polarisatie in de wijk", themes=("polarisatie",)))
    store_event(build_event(slug="concept", title="Nog een concept", themes=("polarisatie",), status="draft"))
    library.add_document(PDF, "open.pdf", "Handreiking voor iedereen", "public", ("polarisatie",))
    library.add_document(PDF, "leden.pdf", "Notitie voor leden", "members", ("polarisatie",))
    library.add_document(PDF, "org.pdf", "Alleen voor organisatoren", "organisers", ("polarisatie",))
    library.add_document(PDF, "deel.pdf", "Voor deelnemers", "attendees", ("polarisatie",), "polarisatie-in-de-wijk")
    library.add_document(PDF, "rad.pdf", "Over radicalisering", "public", ("radicalisering",))

    next_morning(now)
    assert scheduled(client, "send_digests") == {"started": 1}
    deliver_mail()

    mails = digests()
    assert set(mails) == {"lid@rotterdam.nl", "org@zwijndrecht.nl"}
    member = plain(mails["lid@rotterdam.nl"])
    assert "woensdag 25 november 2026" in member
    assert "Polarisatie in de wijk" in member
    assert "http://127.0.0.1:8000/events/polarisatie-in-de-wijk" in member
    assert "Handreiking voor iedereen" in member
    assert "Notitie voor leden" in member
    # never a title they could not open: organisers' material, attendees' material of a meeting
    # they did not attend, a draft, and nothing outside the themes they follow
    for hidden in ("Alleen voor organisatoren", "Voor deelnemers", "Nog een concept", "Over radicalisering"):
        assert hidden not in member
    assert "Alleen voor organisatoren" in plain(mails["org@zwijndrecht.nl"])
    job = present(job_store().get(f"digest-{PUBLISHED_DAY}"))
    assert (job.kind, job.status, job.total, job.sent, job.skipped) == (JobKind.DIGEST, JobStatus.DONE, 2, 2, 0)

    # safe to run twice: one digest a day
    assert scheduled(client, "send_digests") == {"started": 0}
    deliver_mail()
    assert len(digests()) == 2
    assert len([m for m in sent_mail() if m.subject == SUBJECT]) == 2


def test_a_follower_who_may_open_none_of_it_is_skipped(moto, client, now):
    follow("lid@rotterdam.nl", "extremisme")
    library.add_document(PDF, "org.pdf", "Alleen voor organisatoren", "organisers", ("extremisme",))
    next_morning(now)
    assert scheduled(client, "send_digests") == {"started": 1}
    deliver_mail()
    assert digests() == {}
    job = present(job_store().get(f"digest-{PUBLISHED_DAY}"))
    assert (job.status, job.total, job.sent, job.skipped) == (JobStatus.DONE, 1, 0, 1)
    page = sign_in(FormSession(client), make_account("beheer@zwijndrecht.nl", access="organiser").email)
    assert (
        "En leden voor wie niets meer in het overzicht stond"
        in page.get(f"/beheer/verzendingen/{job.id}").body.decode()
    )


def test_a_day_without_news_in_a_theme_starts_nothing(moto, client, now, aws_calls):
    follow("lid@rotterdam.nl", "polarisatie")
    store_event(build_event(themes=()))  # published, but in no theme
    next_morning(now)
    aws_calls.reset()
    assert scheduled(client, "send_digests") == {"started": 0}
    assert aws_calls.calls == {"dynamodb.Query": 2}  # what was published that day: events, materials


def test_starting_the_digest_costs_the_same_for_any_number_of_followers(moto, client, now, aws_calls):
    for i in range(30):
        follow(f"lid{i}@rotterdam.nl", "polarisatie")
    store_event(build_event(themes=("polarisatie",)))
    next_morning(now)
    aws_calls.reset()
    assert scheduled(client, "send_digests") == {"started": 1}
    assert aws_calls.calls == {"dynamodb.Query": 2, "dynamodb.TransactWriteItems": 1, "sqs.SendMessage": 1}


def test_a_meeting_published_again_is_announced_once(moto, now):
    organiser = make_account("org@zwijndrecht.nl", access="organiser")
    store_event(build_event(themes=("polarisatie",)))
    first = present(event_store().get("netwerkbijeenkomst-test")).published_at
    now["value"] += timedelta(days=2)
    event = present(event_store().get("netwerkbijeenkomst-test"))
    workspace.change_status(organiser, event.slug, "depubliceren", str(event.version))
    event = present(event_store().get(event.slug))
    workspace.change_status(organiser, event.slug, "publiceren", str(event.version))
    assert present(event_store().get(event.slug)).published_at == first
    assert [e.slug for e in event_listings().published_on(PUBLISHED_DAY)] == [event.slug]
    assert event_listings().published_on((now["value"]).date().isoformat()) == []


def test_material_published_after_its_meeting_is_news_on_that_day():
    ends = datetime(2026, 12, 3, 17, 0, tzinfo=TIMEZONE)
    material = Material(
        id="x.1", title="Dia's", file_type=FileType.PDF, access=MaterialAccess.PUBLIC, date=ends.date(), object_key="k", size=1,
        filename="d.pdf", uploaded_at=ends, status=MaterialStatus.AFTER_EVENT, publish_from=ends,
    )  # fmt: skip
    material.stamp_publication(ends - timedelta(days=7))  # set to follow the meeting a week before it
    assert material.to_item()["GSI3SK"] == "2026-12-03T17:00:00+01:00#x.1"
    material.stamp_publication(ends + timedelta(days=2))  # saved again once visible: the moment stays
    assert material.published_at == ends
    material.status = MaterialStatus.DRAFT
    assert "GSI3SK" not in material.to_item()


def test_one_click_unfollow_from_the_digest(moto, client, now):
    follow("lid@rotterdam.nl", "polarisatie", "radicalisering", "extremisme")
    store_event(build_event(themes=("polarisatie", "radicalisering")))
    next_morning(now)
    scheduled(client, "send_digests")
    deliver_mail()
    message = digests()["lid@rotterdam.nl"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    header_link = message["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")
    text = plain(message)
    assert "polarisatie: http://127.0.0.1:8000/themas/afmelden/" in text
    assert "extremisme:" not in text  # the mail was not sent for it: it offers no link for it

    # the page a click in the mail opens changes nothing yet (mail scanners follow links)
    page = client.http.get(header_link).body.decode()
    assert "Niet meer volgen" in page
    assert "polarisatie, radicalisering" in page
    assert present(account_store().get("lid@rotterdam.nl")).themes == ("polarisatie", "radicalisering", "extremisme")

    # the mail client's one-click POST: no cookie, no CSRF token
    response = client.http.post(
        header_link, body="List-Unsubscribe=One-Click", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 200
    assert "U volgt deze thema's niet meer: polarisatie, radicalisering." in response.body.decode()
    assert present(account_store().get("lid@rotterdam.nl")).themes == ("extremisme",)
    # the same link opened again says it is done, and asks nothing
    again = client.http.get(header_link).body.decode()
    assert "U volgt deze thema's niet meer: polarisatie, radicalisering." in again
    assert "<form" not in again.split("<main", 1)[1]
    forged = client.http.post(
        "/themas/afmelden/vervalst", body="", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert forged.status_code == 410


def test_a_member_signed_out_is_sent_to_sign_in_by_a_download_link(moto, client):
    material = library.add_document(PDF, "leden.pdf", "Notitie voor leden", "members", ("polarisatie",))
    response = client.http.get(f"/kennisbank/{material.id}/download")
    assert (response.status_code, response.headers["Location"]) == (
        303,
        f"/inloggen?next=/kennisbank/{material.id}/download",
    )
    make_account("lid@rotterdam.nl")
    member = sign_in(FormSession(client), "lid@rotterdam.nl")
    response = member.get(f"/kennisbank/{material.id}/download")
    assert response.status_code == 303
    assert not response.headers["Location"].startswith("/inloggen")


def test_an_unfollow_link_naming_no_theme_there_is_broken(moto):
    token = digest.unfollow_url("iemand", ("bestaat-niet",)).rsplit("/", 1)[1]
    with pytest.raises(UnsubscribeLinkInvalid):
        digest.unfollow(token)


@pytest.mark.parametrize("token", ["", "x", "A" * 43])
def test_a_broken_unfollow_link_says_so(moto, client, token):
    response = client.http.get(f"/themas/afmelden/{token}x")
    assert response.status_code == 410
    page = response.body.decode()
    assert "Deze afmeldlink is niet compleet of niet geldig." in page
    assert "Vraag een nieuwe aan" not in page  # nobody asks for a new unsubscribe link


def test_unfollowing_from_a_link_of_a_deleted_account_changes_nothing(moto):
    token = digest.unfollow_url("niemand", ("polarisatie",)).rsplit("/", 1)[1]
    assert digest.unfollow(token) == ("polarisatie",)
    assert account_store().get_by_key("niemand") is None


# -- what counts as news -------------------------------------------------------------


def test_editing_what_was_published_before_publication_was_kept_announces_nothing(moto, now):
    organiser = make_account("org@zwijndrecht.nl", access="organiser")
    store_event(build_event(themes=("polarisatie",)))
    material = library.add_document(PDF, "oud.pdf", "Oud rapport", "public", ("polarisatie",))
    for pk, sk in (
        (event_pk("netwerkbijeenkomst-test"), "#EVENT"),
        (material_pk(material.id), f"#MATERIAL#{material.id}"),
    ):
        aws.dynamodb().update_item(  # as items from before publication was kept
            TableName=config.table_name(),
            Key=primary_key(pk, sk),
            UpdateExpression="REMOVE published_at, GSI3SK",
        )
    now["value"] += timedelta(days=1)
    store_event(build_event(themes=("polarisatie",), title="Een andere titel"))  # an edit of the file
    documents.update(organiser, material.id, {**documents.values(material), "title": "Oud rapport, herzien"})
    day = now["value"].date().isoformat()
    assert event_listings().published_on(day) == []
    assert library_store().visible_on(day) == []
    assert present(event_store().get("netwerkbijeenkomst-test")).published_at is None


def test_slides_set_to_follow_the_meeting_are_news_when_they_become_visible(moto, visitor, now):
    """Before the meeting: on its day (its end). Uploaded after it: the day they were uploaded."""
    yesterday = now["value"].date() - timedelta(days=1)
    store_event(build_event(date=yesterday, registration_deadline=None, publish_slides_after=True))
    _speaker, url = speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    token = url.rsplit("/", 1)[1]
    key = upload_through_page(visitor.get(f"/spreker/{token}").body.decode(), PDF)
    assert visitor.get(f"/spreker/{token}/klaar?key={key}").status_code == 303
    [material] = materials_of(present(event_store().get(SLUG)))
    assert material.status == MaterialStatus.AFTER_EVENT
    assert present(material.published_at).date() == now["value"].date()  # the meeting was over: visible now
    assert [m.id for m in library_store().visible_on(PUBLISHED_DAY)] == [material.id]

    # a replacement the next day keeps the moment: no second announcement
    now["value"] += timedelta(days=1)
    key = upload_through_page(visitor.get(f"/spreker/{token}").body.decode(), pdf("Versie 2"))
    assert visitor.get(f"/spreker/{token}/klaar?key={key}").status_code == 303
    [replaced] = materials_of(present(event_store().get(SLUG)))
    assert replaced.object_key == kept_at(key)
    assert replaced.published_at == material.published_at
    assert library_store().visible_on(now["value"].date().isoformat()) == []


def test_slides_for_a_meeting_ahead_are_news_on_the_day_it_ends(moto, visitor):
    store_event(build_event(publish_slides_after=True))  # 18 March 2027
    _speaker, url = speakers.invite(SLUG, (3,), "Annemarie van Hinsberg", "Movisie", "annemarie@movisie.nl")
    token = url.rsplit("/", 1)[1]
    key = upload_through_page(visitor.get(f"/spreker/{token}").body.decode(), PDF)
    visitor.get(f"/spreker/{token}/klaar?key={key}")
    [material] = materials_of(present(event_store().get(SLUG)))
    assert material.published_at == material.publish_from
    assert [m.id for m in library_store().visible_on("2027-03-18")] == [material.id]
