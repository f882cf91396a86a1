"""A meeting's own questions: organisers add them, attendees answer them, everyone sees the answers
where they belong, and an answered question stays as it was answered."""

from __future__ import annotations

import json

import pytest

from chalicelib.events.parts import Question, QuestionKind
from chalicelib.events.store import event_store
from chalicelib.registrations import attendance, moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.store import registration_store
from tests.support.accounts import mailed_token
from tests.support.factories import registration_form
from tests.support.stored import present
from tests.support.web import csv_rows, download_export

SLUG = "netwerkbijeenkomst-test"
BASE = f"/beheer/bijeenkomsten/{SLUG}/vragen"
BORREL = Question(1, QuestionKind.YES_NO, "Neemt u deel aan de borrel?", required=True)
DIET = Question(2, QuestionKind.SHORT, "Dieetwensen", help="Zodat de catering rekening met u kan houden.")
WORKSHOP = Question(3, QuestionKind.CHOICE, "Welke workshop?", options=("Online onrust", "Casus Rotterdam"))
TOPICS = Question(
    4, QuestionKind.CHOICES, "Welke thema's?", options=("polarisatie", "extremisme", "statelijke dreigingen")
)
ASK = Question(5, QuestionKind.LONG, "Welke vraag wilt u de sprekers stellen?")
ALL = (BORREL, DIET, WORKSHOP, TOPICS, ASK)


def version() -> str:
    return str(present(event_store().get(SLUG)).version)


def answered_form(**answers: str) -> dict[str, str]:
    return registration_form(**{"answer_1": "yes", **answers})


def test_organisers_add_each_kind_and_attendees_see_them_on_the_form(make_event, organiser, visitor):
    make_event()
    for form in (
        {"label": "Neemt u deel aan de borrel?", "kind": "yesno", "required": "yes"},
        {"label": "Dieetwensen", "kind": "short", "help": "Zodat de catering rekening met u kan houden."},
        {"label": "Welke workshop?", "kind": "choice", "options": "Online onrust\r\nCasus Rotterdam\r\n"},
        {"label": "Welke thema's?", "kind": "choices", "options": "polarisatie\nextremisme\nstatelijke dreigingen"},
        {"label": "Welke vraag wilt u de sprekers stellen?", "kind": "long"},
    ):
        assert organiser.post(BASE, {**form, "version": version()}).status_code == 303
    assert present(event_store().get(SLUG)).questions == ALL
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert 'name="answer_1" value="yes"' in page
    assert 'id="hint-answer_2"' in page  # the help text, tied to the field
    assert 'name="answer_4_2" value="yes"' in page  # one checkbox per option
    assert '<textarea id="veld-answer_5"' in page
    listing = organiser.get(BASE).body.decode()
    assert "Welke workshop?" in listing
    assert "Eén keuze: Online onrust, Casus Rotterdam" in listing


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"label": "", "kind": "short"}, "label", "Dit veld is verplicht."),
        ({"label": "Vraag", "kind": "kleur"}, "kind", "Kies wat voor vraag het is."),
        ({"label": "Vraag", "kind": "choice", "options": "alleen"}, "options", "Geef 2 tot 12 keuzes, één per regel."),
    ],
)
def test_a_wrong_question_is_refused_with_the_input_kept(make_event, organiser, form, field, message):
    make_event()
    response = organiser.post(BASE, {**form, "help": "Uitleg blijft staan", "version": version()})
    assert response.status_code == 422
    body = response.body.decode()
    assert message in body
    assert 'value="Uitleg blijft staan"' in body
    assert present(event_store().get(SLUG)).questions == ()


def test_answers_are_checked_kept_and_shown(make_event, visitor):
    make_event(questions=ALL)
    response = visitor.post(f"/events/{SLUG}/aanmelden", registration_form(answer_3="Iets anders", answer_2="Halal"))
    assert response.status_code == 422
    body = response.body.decode()
    assert "Neemt u deel aan de borrel?: Beantwoord deze vraag." in body  # in the summary, by the question
    assert "Welke workshop?: Kies een van de genoemde mogelijkheden." in body
    assert 'value="Halal"' in body  # the rest is kept
    form = answered_form(answer_2="Halal", answer_3="Casus Rotterdam", answer_4_0="yes", answer_4_2="yes")
    response = visitor.post(f"/events/{SLUG}/aanmelden", form)
    assert response.status_code == 200
    token = mailed_token(form["email"])
    reg, _event, _position = registration.find(token)
    assert reg.answers == {
        "1": ["yes"],
        "2": ["Halal"],
        "3": ["Casus Rotterdam"],
        "4": ["polarisatie", "statelijke dreigingen"],
    }
    own = visitor.get(f"/r/{token}").body.decode()
    assert "<dt>Neemt u deel aan de borrel?</dt>" in own
    assert "polarisatie, statelijke dreigingen" in own


def test_answers_are_counted_on_the_overview_and_in_the_export(make_event, organiser):
    make_event(questions=ALL, capacity=10)
    registration.register(SLUG, answered_form(answer_4_0="yes", answer_5="Wat werkt?"), "nl")
    registration.register(SLUG, answered_form(answer_1="no", answer_4_0="yes", answer_4_1="yes"), "nl")
    cancelled = registration.register(SLUG, answered_form(answer_4_1="yes"), "nl").registration
    moves.cancel(cancelled.token)  # counts no more
    figures = attendance.overview(SLUG).answers
    assert (figures["1"], figures["1#yes"], figures["1#no"]) == (2, 1, 1)
    assert (figures["4#polarisatie"], figures["4#extremisme"], figures["5"]) == (2, 1, 1)
    assert "5#Wat werkt?" not in figures  # free text is never a figure
    page = organiser.get(f"/beheer/bijeenkomsten/{SLUG}/overzicht").body.decode()
    assert "Neemt u deel aan de borrel?" in page
    rows = csv_rows(download_export(organiser, f"/beheer/bijeenkomsten/{SLUG}/export"))
    assert rows[0][-5:] == [q.label for q in ALL]
    answers = sorted(row[-5:] for row in rows[1:])
    assert ["Ja", "", "", "polarisatie", "Wat werkt?"] in answers
    assert ["Nee", "", "", "polarisatie, extremisme", ""] in answers


def test_an_answered_question_stays_as_it_was_answered(make_event, organiser):
    make_event(questions=(BORREL, WORKSHOP, DIET))
    registration.register(SLUG, answered_form(answer_3="Online onrust"), "nl")
    listing = organiser.get(BASE).body.decode()
    assert "Beantwoord: kan niet weg." in listing
    refused = organiser.post(f"{BASE}/1/verwijderen", {"version": version()})
    assert refused.status_code == 409
    assert "Deze vraag is al beantwoord en kan daarom niet weg." in refused.body.decode()
    kind = organiser.post(f"{BASE}/3", {"label": "Workshop", "kind": "short", "version": version()})
    assert "het soort vraag kan niet meer veranderen" in kind.body.decode()
    fewer = organiser.post(
        f"{BASE}/3", {"label": "Workshop", "kind": "choice", "options": "Casus Rotterdam\nNieuw", "version": version()}
    )
    assert "keuzes kunnen erbij, maar niet weg of anders" in fewer.body.decode()
    more = {
        "label": "Workshop?",
        "kind": "choice",
        "options": "Online onrust\nCasus Rotterdam\nNieuw",
        "version": version(),
    }
    assert organiser.post(f"{BASE}/3", more).status_code == 303
    assert present(event_store().get(SLUG)).questions[1].options == ("Online onrust", "Casus Rotterdam", "Nieuw")
    # a question nobody answered goes
    assert organiser.post(f"{BASE}/2/verwijderen", {"version": version()}).status_code == 303
    assert [q.id for q in present(event_store().get(SLUG)).questions] == [1, 3]


def test_retention_takes_the_answers_with_the_rest(make_event, client, now):
    from chalicelib.registrations import retention
    from tests.support.factories import in_days

    make_event(questions=ALL, date=in_days(-100).date(), registration_deadline=None)
    # registered long ago, answers and all
    now["value"] = in_days(-110)
    registration.register(SLUG, answered_form(answer_2="Halal"), "nl")
    now["value"] = in_days(0)
    assert retention.anonymise_old_registrations() == 1
    items = registration_store().for_recount(SLUG)
    assert len(items) == 1
    assert "answers" not in items[0]
    assert "Halal" not in json.dumps(items[0], default=str)


def test_the_api_shows_the_questions_and_takes_answers(make_event, client):
    make_event(questions=(BORREL, TOPICS))
    event = json.loads(client.http.get(f"/api/v1/events/{SLUG}").body)
    assert event["questions"][1] == {
        "id": 4,
        "kind": "choices",
        "label": "Welke thema's?",
        "help": "",
        "required": False,
        "options": ["polarisatie", "extremisme", "statelijke dreigingen"],
        "audience": "everyone",
    }
    form = registration_form()
    body: dict[str, object] = {k: v for k, v in form.items() if k != "consent"} | {"consent": True}
    headers = {"content-type": "application/json"}
    missing = client.http.post(f"/api/v1/events/{SLUG}/registrations", body=json.dumps(body), headers=headers)
    assert missing.status_code == 422
    assert "answer_1" in json.loads(missing.body)["errors"]
    body["answers"] = {"1": "no", "4": ["extremisme", "polarisatie"]}
    created = client.http.post(f"/api/v1/events/{SLUG}/registrations", body=json.dumps(body), headers=headers)
    assert created.status_code == 202, created.body
    reg, _event, _position = registration.find(mailed_token(form["email"]))
    assert reg.answers == {"1": ["no"], "4": ["extremisme", "polarisatie"]}
    body["answers"] = {"1": 5}
    wrong = client.http.post(f"/api/v1/events/{SLUG}/registrations", body=json.dumps(body), headers=headers)
    assert wrong.status_code == 422


def test_an_unknown_question_is_not_found(make_event, organiser):
    make_event(questions=(BORREL,))
    for question_id in ("9", "²", "1x", "00001"):
        assert organiser.get(f"{BASE}/{question_id}").status_code == 404, question_id


def test_a_removed_questions_number_is_never_given_again(make_event, organiser, visitor):
    make_event()
    for label in ("Borrel?", "Dieet"):
        assert organiser.post(BASE, {"label": label, "kind": "short", "version": version()}).status_code == 303
    assert organiser.post(f"{BASE}/2/verwijderen", {"version": version()}).status_code == 303
    assert organiser.post(BASE, {"label": "Vervoer", "kind": "short", "version": version()}).status_code == 303
    assert [q.id for q in present(event_store().get(SLUG)).questions] == [1, 3]


def test_an_event_file_keeps_question_numbers_by_label_and_answered_questions(make_event):
    from chalicelib.events.importer import InvalidEventFile, load
    from tests.support.events import minimal

    load(
        [
            minimal(
                slug=SLUG,
                questions=[
                    {"kind": "yesno", "label": "Borrel?", "required": True},
                    {"kind": "short", "label": "Dieet"},
                ],
            )
        ]
    )
    registration.register(SLUG, registration_form(answer_1="yes"), "nl")
    # reordered, one new: the numbers follow the labels, the new one gets a number never used
    load([minimal(slug=SLUG, questions=[{"kind": "short", "label": "Vervoer"}, {"kind": "yesno", "label": "Borrel?"}])])
    assert [(q.id, q.label) for q in present(event_store().get(SLUG)).questions] == [(3, "Vervoer"), (1, "Borrel?")]
    with pytest.raises(InvalidEventFile, match="answered, so it cannot be removed"):
        load([minimal(slug=SLUG, questions=[{"kind": "short", "label": "Vervoer"}])])
    with pytest.raises(InvalidEventFile, match="its kind can no longer change"):
        load([minimal(slug=SLUG, questions=[{"kind": "short", "label": "Borrel?"}])])


def test_a_recount_keeps_the_answers_figures_also_after_anonymising(make_event, now):
    from chalicelib.registrations import retention
    from tests.support.factories import in_days

    make_event(questions=ALL, capacity=10, date=in_days(-100).date(), registration_deadline=None)
    now["value"] = in_days(-110)
    registration.register(SLUG, answered_form(answer_3="Casus Rotterdam", answer_2="Halal"), "nl")
    registration.register(SLUG, answered_form(answer_1="no"), "nl")
    kept = {k: v for k, v in event_store().figures(SLUG).items() if k.startswith("answer#") and v}
    now["value"] = in_days(0)
    assert retention.anonymise_old_registrations() == 2
    counted = {k: v for k, v in attendance.count_slowly(SLUG).items() if k.startswith("answer#") and v}
    assert counted == kept
    assert kept["answer#3#Casus Rotterdam"] == 1
