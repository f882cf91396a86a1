"""CSV exports built off the request path: the request records and queues, the worker writes the
file to the private bucket, the organiser fetches it through a short-lived link; all audited."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from chalicelib.audit import service as audit
from chalicelib.core import aws, clock
from chalicelib.core.dynamo import to_attrs
from chalicelib.core.keys import export_pk
from chalicelib.exports.store import export_store
from tests.support.accounts import make_account, sign_in
from tests.support.aws import LOCAL_STAGE, STARTING_A_JOB_CALLS, deliver_exports
from tests.support.factories import confirmed_attendees
from tests.support.stored import present
from tests.support.web import FormSession, csv_rows, download_export

SLUG = "netwerkbijeenkomst-test"
START = f"/beheer/bijeenkomsten/{SLUG}/export"


@pytest.fixture
def organiser(client, make_event) -> FormSession:
    make_event(capacity=20_000)
    make_account("org@zwijndrecht.nl", access="organiser")
    return sign_in(FormSession(client), "org@zwijndrecht.nl")


def start_export(organiser: FormSession) -> str:
    response = organiser.post(START, {})
    assert response.status_code == 303
    return response.headers["Location"]


@pytest.mark.slow  # thousands of items
def test_an_export_of_10000_registrations_completes_and_its_link_downloads_the_whole_file(organiser, aws_calls):
    addresses = confirmed_attendees(10_000)
    aws_calls.reset()

    page = start_export(organiser)

    assert aws_calls.calls == STARTING_A_JOB_CALLS
    deliver_exports()
    link = organiser.get(page + "/bestand")
    assert link.status_code == 303
    assert link.headers["Cache-Control"] == "no-store"
    response = requests.get(link.headers["Location"], timeout=30)
    rows = csv_rows(response)
    assert rows[0] == ["Naam", "E-mailadres", "Organisatie", "Functie", "Status", "Aangemeld op", "Opmerkingen"]
    assert Counter(row[1] for row in rows[1:]) == Counter(addresses)
    export = present(export_store().get(page.rsplit("/", 1)[1]))
    assert (export.status, export.rows) == ("done", 10_000)


def test_the_link_is_short_lived_private_and_names_a_csv_attachment(organiser):
    confirmed_attendees(3)
    page = start_export(organiser)
    deliver_exports()
    location = organiser.get(page + "/bestand").headers["Location"]

    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert query["response-content-type"] == ["text/csv; charset=utf-8"]
    assert query["response-content-disposition"] == [f'attachment; filename="aanmeldingen-{SLUG}.csv"']
    # stored under exports/ (then its network), where the bucket's lifecycle rule removes it after a day
    export_id = page.rsplit("/", 1)[1]
    assert urlsplit(location).path.endswith(f"/exports/n/rotterdam/{export_id}/aanmeldingen-{SLUG}.csv")
    rules = aws.s3().get_bucket_lifecycle_configuration(Bucket=LOCAL_STAGE["BUCKET_NAME"])["Rules"]
    expiring = {(r["Filter"]["Prefix"], r["Expiration"]["Days"]) for r in rules if "Expiration" in r}
    # and uploads nobody checked (library/files.py, networks/logo.py)
    assert expiring == {("exports/", 1), ("incoming/", 1), ("logo-uploads/", 1)}


def test_the_page_says_it_is_being_made_until_the_worker_is_done(organiser):
    confirmed_attendees(2)
    page = start_export(organiser)

    waiting = organiser.get(page).body.decode()
    assert "Het bestand wordt gemaakt" in waiting
    assert organiser.get(page + "/status").json_body == {"status": "queued", "rows": 0}
    assert organiser.get(page + "/bestand").status_code == 409

    deliver_exports()

    done = organiser.get(page).body.decode()
    assert "Het bestand is klaar: 2 rijen." in done
    assert f'href="{page}/bestand"' in done
    assert organiser.get(page + "/status").json_body == {"status": "done", "rows": 2}


def test_asking_and_fetching_are_both_in_the_audit_log(organiser):
    confirmed_attendees(1)
    download_export(organiser, START)

    entries = audit.month(clock.now().strftime("%Y-%m"), None).items
    exports = [e for e in entries if e.action.startswith("export.")]
    assert Counter(e.action for e in exports) == {"export.requested": 1, "export.downloaded": 1}
    assert {(e.actor, e.target) for e in exports} == {("org@zwijndrecht.nl", SLUG)}


def test_after_a_day_the_export_is_gone_and_the_page_says_so(organiser):
    confirmed_attendees(1)
    page = start_export(organiser)
    deliver_exports()

    # GIVEN the export was asked for a day and a minute ago (the session is younger)
    export = present(export_store().get(page.rsplit("/", 1)[1]))
    aws.dynamodb().update_item(
        TableName=LOCAL_STAGE["TABLE_NAME"],
        Key=to_attrs({"PK": export_pk(export.id), "SK": "#EXPORT"}),
        UpdateExpression="SET created_at = :at",
        ExpressionAttributeValues=to_attrs({":at": (clock.now() - timedelta(days=1, minutes=1)).isoformat()}),
    )

    assert organiser.get(page + "/bestand").status_code == 410
    assert "niet meer beschikbaar" in organiser.get(page).body.decode()


def test_a_message_naming_no_export_ends_in_the_dead_letter_queue(moto):
    url = LOCAL_STAGE["EXPORT_QUEUE_URL"]
    aws.sqs().send_message(QueueUrl=url, MessageBody='{"export": "bestaat-niet"}')
    aws.sqs().set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})

    deliver_exports()

    dead = aws.sqs().receive_message(QueueUrl=url + "-dead", MaxNumberOfMessages=10)
    assert [m["Body"] for m in dead["Messages"]] == ['{"export": "bestaat-niet"}']
