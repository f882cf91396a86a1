"""Bounces and complaints: SES's notification arrives through SNS, the address goes on the
suppression list, mail to many skips it, organisers see and lift entries, members see their own.

Notifications travel as in AWS: published to the SES topic (moto SNS), delivered to the
subscribed queue, and handed to the `ses_notifications` handler as Lambda's SNS event.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import boto3
import pytest

from chalicelib.audit import service as audit
from chalicelib.core import aws, clock
from chalicelib.core.keys import email_key
from chalicelib.mail.store import job_store
from chalicelib.mail.suppression_store import suppression_store
from devtools.resources import SES_EVENTS
from devtools.sesevents import ses_notification
from tests.support.accounts import make_account, sign_in
from tests.support.aws import REGION, deliver_mail, deliver_ses_events, sent_mail
from tests.support.factories import confirmed_attendees
from tests.support.jobs import message_attendees
from tests.support.stored import present
from tests.support.web import FormSession

SLUG = "netwerkbijeenkomst-test"
MESSAGE = {"subject": "Parkeren", "body": "Parkeer bij het station."}
BOUNCED = "deelnemer1@zwijndrecht.nl"


def publish(message: str) -> None:
    """SES publishes to the topic; the notifications handler takes what the subscription delivers."""
    sns = boto3.client("sns", region_name=REGION)
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(SES_EVENTS))
    sns.publish(TopicArn=topic, Message=message)
    assert deliver_ses_events() == 1


@pytest.fixture
def organiser(client, make_event, monkeypatch) -> FormSession:
    monkeypatch.setenv("MAIL_RATE_PER_SECOND", "1000000")
    make_event(capacity=100)
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def message_everyone(organiser: FormSession) -> Any:
    job_id = message_attendees(organiser, SLUG, MESSAGE)
    deliver_mail()
    return job_store().get(job_id)


def mailed() -> Counter[str]:
    return Counter(m.destinations["ToAddresses"][0] for m in sent_mail() if m.subject == MESSAGE["subject"])


def test_a_hard_bounce_suppresses_the_address_and_the_next_job_skips_it(organiser):
    addresses = confirmed_attendees(4)
    first = message_everyone(organiser)
    assert (first.sent, first.skipped) == (4, 0)

    publish(json.dumps(ses_notification("Bounce", BOUNCED)))

    entry = present(suppression_store().get(email_key(BOUNCED)))
    assert (entry.email, entry.reason) == (BOUNCED, "bounce")
    assert "550 5.1.1 user unknown" in entry.detail
    second = message_everyone(organiser)
    assert (second.status, second.total, second.sent, second.failed, second.skipped) == ("done", 4, 3, 0, 1)
    assert mailed() == Counter({a: 2 for a in addresses if a != BOUNCED}) + Counter({BOUNCED: 1})
    page = organiser.get(f"/beheer/verzendingen/{second.id}").body.decode()
    assert '<span id="verzending-overgeslagen" data-field="skipped">1</span>' in page


@pytest.mark.parametrize("field", ["notificationType", "eventType"])  # identity notification, configuration set
def test_both_notification_shapes_are_read(organiser, field):
    publish(json.dumps(ses_notification("Complaint", "klager@rotterdam.nl", field=field)))
    assert present(suppression_store().get(email_key("klager@rotterdam.nl"))).reason == "complaint"


def test_a_soft_bounce_and_an_unreadable_message_suppress_nobody(organiser):
    publish(json.dumps(ses_notification("Bounce", BOUNCED, bounce_type="Transient")))
    publish("not json at all")  # dropped, not retried: SNS would send the same text again
    publish(json.dumps({"notificationType": "Delivery", "mail": {}}))

    assert suppression_store().newest(10) == []


def test_organisers_see_the_list_and_lifting_an_entry_mails_the_address_again(organiser):
    confirmed_attendees(2)
    publish(json.dumps(ses_notification("Bounce", BOUNCED)))

    listing = organiser.get("/beheer/onbereikbaar").body.decode()
    assert BOUNCED in listing
    assert "Onbestelbaar (harde bounce)" in listing
    found = organiser.get(f"/beheer/onbereikbaar?adres={BOUNCED.upper()}").body.decode()
    assert "staat op de lijst sinds" in found

    lifted = organiser.post(f"/beheer/onbereikbaar/{email_key(BOUNCED)}/opheffen", {})

    assert lifted.status_code == 303
    assert suppression_store().get(email_key(BOUNCED)) is None
    job = message_everyone(organiser)  # the negative control of the skip: now it is mailed
    assert (job.sent, job.skipped) == (2, 0)
    entries = audit.month(clock.now().strftime("%Y-%m"), None).items
    assert [(e.actor, e.target) for e in entries if e.action == "suppression.lifted"] == [
        ("org@zwijndrecht.nl", email_key(BOUNCED))
    ]
    assert organiser.post(f"/beheer/onbereikbaar/{email_key(BOUNCED)}/opheffen", {}).status_code == 404


def test_a_member_whose_address_bounced_sees_it_on_their_account_and_can_lift_it(client):
    make_account("lid@rotterdam.nl")
    publish(json.dumps(ses_notification("Bounce", "lid@rotterdam.nl")))

    # the sign-in link is mail the member asked for: it still goes to a suppressed address (sign_in takes it from the mail)
    member = sign_in(FormSession(client), "lid@rotterdam.nl")

    page = member.get("/account").body.decode()
    assert "Mail aan uw adres kwam niet aan" in page
    assert member.post("/account/bereikbaar", {}).status_code == 303
    after = member.get("/account?bereikbaar=1").body.decode()
    assert "Mail aan uw adres kwam niet aan" not in after
    assert "U krijgt weer berichten en de nieuwsbrief." in after


def test_mail_goes_out_through_the_configuration_set_that_publishes_bounces(organiser):
    seen: list[str] = []
    aws.ses_for_worker().meta.events.register(
        "provide-client-params.ses.SendRawEmail", lambda params, **_: seen.append(params.get("ConfigurationSetName"))
    )
    confirmed_attendees(1)
    message_everyone(organiser)
    assert seen == ["network-portal-local"]
