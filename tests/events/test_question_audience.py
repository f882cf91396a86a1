"""A question for one way of taking part: the drinks are asked of who comes to the location, never
required of an online attendee, and not shown at all where nobody takes part that way."""

from __future__ import annotations

import pytest

from chalicelib.core.errors import InvalidInput
from chalicelib.events.parts import Question, QuestionAudience, QuestionKind
from chalicelib.events.store import event_store
from chalicelib.registrations import service as registration
from tests.support.factories import registration_form
from tests.support.stored import present

SLUG = "netwerkbijeenkomst-test"
BASE = f"/beheer/bijeenkomsten/{SLUG}/vragen"
DRINKS = Question(
    1, QuestionKind.YES_NO, "Neemt u deel aan de borrel?", required=True, audience=QuestionAudience.ON_SITE
)
CAMERA = Question(2, QuestionKind.SHORT, "Welk platform gebruikt u?", audience=QuestionAudience.ONLINE)
DIET = Question(3, QuestionKind.SHORT, "Dieetwensen")


def register(attendance: str, **answers: str):
    return registration.register(SLUG, registration_form(attendance=attendance, **answers), "nl").registration


def test_an_organiser_says_whom_a_question_asks(make_event, organiser):
    make_event()
    version = str(present(event_store().get(SLUG)).version)
    form = {"label": "Neemt u deel aan de borrel?", "kind": "yesno", "required": "yes", "audience": "location"}
    assert organiser.post(BASE, {**form, "version": version}).status_code == 303
    [question] = present(event_store().get(SLUG)).questions
    assert question.audience == QuestionAudience.ON_SITE
    listing = organiser.get(BASE).body.decode()
    assert "(alleen voor wie op locatie deelneemt)" in listing
    assert 'id="veld-audience-everyone" name="audience" value="everyone" checked' in listing  # the new one's default

    refused = organiser.post(BASE, {**form, "audience": "iedereen", "version": str(int(version) + 1)})
    assert refused.status_code == 422
    assert "Kies voor wie de vraag is." in refused.body.decode()


def test_online_attendees_are_not_asked_the_on_location_question(make_event, visitor):
    make_event(capacity=3, online_capacity=3, questions=(DRINKS, CAMERA, DIET))
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert "Neemt u deel aan de borrel?" in page
    assert "Alleen voor wie op locatie deelneemt." in page  # said at the question on a hybrid meeting

    online = register("online", answer_1="yes", answer_2="Teams", answer_3="Vegetarisch")
    assert online.status == "confirmed"  # not held to the required on-location question
    assert online.answers == {"2": ["Teams"], "3": ["Vegetarisch"]}  # an answer that does not concern them is not kept
    on_site = register("location", answer_1="no", answer_2="Teams")
    assert on_site.answers == {"1": ["no"]}
    with pytest.raises(InvalidInput) as refused:  # the negative control: on location it is required
        register("location")
    assert "answer_1" in refused.value.fields


def test_a_meeting_without_that_way_of_taking_part_does_not_show_the_question(make_event, visitor):
    make_event(capacity=0, online_capacity=3, venue="Online (Teams)", questions=(DRINKS, DIET))
    page = visitor.get(f"/events/{SLUG}").body.decode()
    assert "Neemt u deel aan de borrel?" not in page
    assert "Dieetwensen" in page
    assert "Alleen voor wie" not in page  # no note where everyone takes part the same way
    assert register("online").status == "confirmed"
