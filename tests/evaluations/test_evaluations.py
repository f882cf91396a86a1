"""Evaluating a meeting: the mail the day after, one anonymous answer per registration, the results."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.accounts.model import Account
from chalicelib.audit.store import audit_store
from chalicelib.core import aws, clock
from chalicelib.core.errors import Conflict
from chalicelib.core.keys import evaluation_pk
from chalicelib.core.tenancy import in_this_network
from chalicelib.evaluations import service as evaluations
from chalicelib.evaluations.store import evaluation_store
from chalicelib.events.store import event_store
from chalicelib.registrations import moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.model import Registration
from tests.support.accounts import make_account, sign_in
from tests.support.aws import LOCAL_STAGE, deliver_mail, rewritten_updates, sent_mail
from tests.support.factories import build_event, in_days, registration_form, store_event
from tests.support.jobs import scheduled
from tests.support.stored import present
from tests.support.web import FormSession, csv_rows, download_export

SLUG = "netwerkbijeenkomst-test"
ORGANISER = "org@zwijndrecht.nl"


@pytest.fixture
def organiser(client) -> FormSession:
    make_account(ORGANISER, access="organiser")
    return sign_in(FormSession(client), ORGANISER)


def held_yesterday(people: int = 3, cancelled: int = 0) -> list[Registration]:
    """A meeting held yesterday, with attendees who registered before it (the last few cancelled)."""
    store_event(build_event(capacity=5))
    regs = [
        registration.register(SLUG, registration_form(name=f"Deelnemer {i}"), "nl").registration for i in range(people)
    ]
    for reg in regs[people - cancelled :]:
        moves.cancel(reg.token)
    event = present(event_store().get(SLUG))
    event.date, event.registration_deadline = (clock.now() - timedelta(days=1)).date(), None
    store_event(event)
    return regs


def check_in(reg: Registration) -> None:
    organiser = Account(email=ORGANISER, name="Org", organisation="", job="", created_at=clock.now())
    moves.by_organiser(organiser, SLUG, reg.key, "aanwezig")


def evaluation_links() -> dict[str, str]:
    """Addressee -> the evaluation link in their mail."""
    found = {}
    for mail in sent_mail():
        if mail.subject.startswith("Wat vond u van"):
            match = re.search(r"http://127\.0\.0\.1:8000(/r/[A-Za-z0-9_-]+/evaluatie)", mail.body)
            assert match, mail.body
            found[mail.destinations["ToAddresses"][0]] = match.group(1)
    return found


def test_the_day_after_everyone_checked_in_is_asked_once(moto, client):
    regs = held_yesterday()
    check_in(regs[0])
    check_in(regs[1])
    assert scheduled(client, "send_evaluations") == {"opened": 1}
    assert scheduled(client, "send_evaluations") == {"opened": 0}  # safe to run twice
    deliver_mail()
    links = evaluation_links()
    assert set(links) == {regs[0].email, regs[1].email}  # not the one who did not come
    assert links[regs[0].email] == f"/r/{regs[0].token}/evaluatie"
    assert present(event_store().get(SLUG)).evaluation_opened_at is not None


def test_without_check_ins_every_confirmed_attendee_is_asked(moto, client):
    regs = held_yesterday(cancelled=1)
    assert scheduled(client, "send_evaluations") == {"opened": 1}
    deliver_mail()
    assert set(evaluation_links()) == {regs[0].email, regs[1].email}  # the cancelled one is not


def test_only_meetings_of_the_last_days_are_evaluated(make_event, client):
    make_event(slug="vandaag", date=clock.now().date(), registration_deadline=None)
    make_event(slug="lang-geleden", date=in_days(-10).date(), registration_deadline=None)
    make_event(slug="afgelast", date=in_days(-1).date(), registration_deadline=None, status="cancelled")
    assert scheduled(client, "send_evaluations") == {"opened": 0}


def test_an_answer_is_anonymous_and_counts_once(moto, client, visitor):
    regs = held_yesterday()
    scheduled(client, "send_evaluations")
    link = f"/r/{regs[0].token}/evaluatie"
    page = visitor.get(link).body.decode()
    assert "Uw antwoord is anoniem" in page
    assert "Leernetwerk Polarisatie" in page  # each programme item can be rated
    offer = "Geef uw beoordeling van de bijeenkomst"
    assert f'href="{link}"' in visitor.get(f"/r/{regs[0].token}").body.decode()  # the personal page leads there
    response = visitor.post(link, {"meeting": "4", "slot3": "5", "slot1": "", "remarks": "Meer casuïstiek graag."})
    assert response.status_code == 303
    assert offer not in visitor.get(f"/r/{regs[0].token}").body.decode()  # answered: no more
    assert "Dank u wel voor uw beoordeling!" in visitor.get(link).body.decode()
    again = visitor.post(link, {"meeting": "1"})
    assert again.status_code == 409
    assert "U hebt deze bijeenkomst al beoordeeld." in again.body.decode()
    [stored] = evaluation_store().answers(SLUG)
    assert (stored.ratings, stored.remarks) == ({"meeting": 4, "slot3": 5}, "Meer casuïstiek graag.")
    # an organiser who scanned the attendee's code at the door is not offered their evaluation
    make_account(ORGANISER, access="organiser")
    scanning = sign_in(FormSession(client), ORGANISER).get(f"/r/{regs[1].token}").body.decode()
    assert offer not in scanning
    # the answer's item says nothing of who gave it, and no time that could be matched
    [item] = aws.dynamodb().query(
        TableName=LOCAL_STAGE["TABLE_NAME"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :a)",
        ExpressionAttributeValues={":pk": {"S": evaluation_pk(SLUG)}, ":a": {"S": "ANSWER#"}},
    )["Items"]
    assert set(item) == {"PK", "SK", "type", "ratings", "remarks"}
    assert regs[0].token not in str(item)
    assert regs[0].key not in str(item)
    assert evaluation_store().figures(SLUG) == {
        "PK": evaluation_pk(SLUG),
        "SK": "RESULTS",
        "answers": 1,
        "r#meeting#4": 1,
        "r#slot3#5": 1,
    }


def test_bad_input_gets_a_message_and_keeps_the_rest(moto, client, visitor):
    regs = held_yesterday()
    scheduled(client, "send_evaluations")
    link = f"/r/{regs[0].token}/evaluatie"
    response = visitor.post(link, {"slot3": "9", "remarks": "Mooi."})
    assert response.status_code == 422
    body = response.body.decode()
    assert body.count("Kies een cijfer van 1 tot 5.") == 4  # summary and field, for the meeting and the item
    assert "Mooi.</textarea>" in body
    assert evaluation_store().answers(SLUG) == []


def test_the_form_is_open_for_fourteen_days_to_confirmed_attendees_only(moto, client, visitor, now):
    regs = held_yesterday(cancelled=1)
    link = f"/r/{regs[0].token}/evaluatie"
    assert "De evaluatie is nog niet geopend." in visitor.get(link).body.decode()
    assert visitor.post(link, {"meeting": "5"}).status_code == 409
    scheduled(client, "send_evaluations")
    assert "Alleen wie een plaats had" in visitor.get(f"/r/{regs[2].token}/evaluatie").body.decode()
    assert visitor.post(f"/r/{regs[2].token}/evaluatie", {"meeting": "5"}).status_code == 409
    now["value"] += timedelta(days=14)
    assert "De evaluatie van deze bijeenkomst is gesloten." in visitor.get(link).body.decode()
    assert visitor.post(link, {"meeting": "5"}).status_code == 409
    assert evaluation_store().answers(SLUG) == []


def test_organisers_see_results_and_remarks_and_download_them(moto, client, visitor, organiser):
    regs = held_yesterday(5)
    scheduled(client, "send_evaluations")
    answers = (("5", "4", "Sterk programma."), ("4", "4", ""), ("2", "", "Te kort."), ("5", "5", ""))
    for reg, (meeting, talk, remarks) in zip(regs[:4], answers, strict=True):
        visitor.post(f"/r/{reg.token}/evaluatie", {"meeting": meeting, "slot3": talk, "remarks": remarks})
    # while answers can come in, only their number: a new one beside someone's "answered" would say whose
    page = organiser.get(f"/beheer/bijeenkomsten/{SLUG}/evaluatie").body.decode()
    assert "4 antwoorden" in page
    assert "Sterk programma." not in page
    assert "<svg" not in page
    early = organiser.post(f"/beheer/bijeenkomsten/{SLUG}/evaluatie/export", {"formaat": "csv"})
    assert early.status_code == 409
    assert "De antwoorden komen vrij als de evaluatie gesloten is." in early.body.decode()
    # closing is asked once more: the results page leads to the question, which changes nothing yet
    close = f"/beheer/bijeenkomsten/{SLUG}/evaluatie/sluiten"
    assert f'href="{close}"' in page
    assert f'action="{close}"' not in page
    question = organiser.get(close).body.decode()
    assert "Evaluatie van Netwerkbijeenkomst Maatschappelijk ongenoegen nu sluiten?" in question
    assert "Er zijn 4 antwoorden." in question
    assert f'action="{close}"' in question
    assert present(event_store().get(SLUG)).evaluation_closed_at is None
    # the organiser closes it: nobody can answer any more, and the results show
    assert organiser.post(close, {}).status_code == 303
    assert organiser.get(close).headers["Location"] == f"/beheer/bijeenkomsten/{SLUG}/evaluatie"  # asked no more
    late = visitor.post(f"/r/{regs[4].token}/evaluatie", {"meeting": "1"})
    assert late.status_code == 409
    assert "event.evaluation_closed" in [e.action for e in audit_store().month(clock.now().strftime("%Y-%m"), 50).items]
    page = organiser.get(f"/beheer/bijeenkomsten/{SLUG}/evaluatie").body.decode()
    assert "4 antwoorden" in page
    assert "Gemiddeld 4,0 uit 4 beoordelingen" in page  # the meeting: (5 + 4 + 2 + 5) / 4
    assert "Gemiddeld 4,3 uit 3 beoordelingen" in page  # the talk, rated by three
    assert "cijfer 5: 2 keer; cijfer 4: 1 keer; cijfer 3: 0 keer; cijfer 2: 1 keer; cijfer 1: 0 keer" in page
    assert page.count('<svg class="chart rating-chart"') == 2  # items nobody rated have no chart
    assert "Niemand gaf dit onderdeel een cijfer." in page
    assert "Sterk programma." in page
    assert "Te kort." in page
    assert "Deelnemer" not in page  # never who
    rows = csv_rows(download_export(organiser, f"/beheer/bijeenkomsten/{SLUG}/evaluatie/export"))
    assert rows[0] == [
        "De bijeenkomst als geheel",
        "Inloop met koffie en thee",
        "Welkomstwoord",
        "Leernetwerk Polarisatie",
        "Opmerkingen",
    ]
    assert sorted(r[0] for r in rows[1:]) == ["2", "4", "5", "5"]
    assert not any("Deelnemer" in cell for row in rows for cell in row)
    # in English, the page's own words are English; the programme's titles are as the organisers wrote them
    english = sign_in(FormSession(client, "en"), ORGANISER).get(f"/beheer/bijeenkomsten/{SLUG}/evaluatie")
    assert "Distribution of ratings: The meeting as a whole" in english.body.decode()
    assert "Average 4.0 from 4 ratings" in english.body.decode()


def test_a_registration_answers_once_when_answers_race(moto_server, monkeypatch):
    """Ten tabs send the same answer at once, all after reading that it was not given yet."""
    assert race_ten_answers(monkeypatch) == 1


def test_negative_control_without_the_condition_the_race_counts_twice(moto_server, monkeypatch):
    def drop_the_once_condition(update: dict[str, Any]) -> None:
        if update.get("UpdateExpression") == "SET evaluated = :yes":
            update["ConditionExpression"] = "#status = :confirmed"
            del update["ExpressionAttributeValues"][":no"]

    with rewritten_updates("provide-client-params", drop_the_once_condition):
        assert race_ten_answers(monkeypatch) > 1


def race_ten_answers(monkeypatch: pytest.MonkeyPatch) -> int:
    [reg] = held_yesterday(1)
    evaluations.open_evaluation(present(event_store().get(SLUG)), "tests", clock.now())
    barrier = threading.Barrier(10, timeout=60)
    read = evaluations.form

    def form_then_wait(token: str) -> Any:
        current = read(token)
        barrier.wait()
        return current

    monkeypatch.setattr(evaluations, "form", form_then_wait)

    def one(_: int) -> bool:
        try:
            evaluations.submit(reg.token, {"meeting": "5"})
        except Conflict:
            return False
        return True

    with ThreadPoolExecutor(max_workers=10) as pool:
        accepted = sum(pool.map(in_this_network(one), range(10)))
    answers = len(evaluation_store().answers(SLUG))
    assert answers == accepted
    assert evaluation_store().figures(SLUG)["answers"] == answers  # the figures agree with the answers
    return answers
