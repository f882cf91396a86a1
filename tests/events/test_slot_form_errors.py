"""The programme form shows every message it earns at once: each field's own, the times', the round's."""

from __future__ import annotations

import re

from chalicelib.events.store import event_store
from tests.support.events import BASE, version
from tests.support.stored import present

SLUG = "netwerkbijeenkomst-test"


def _messages(response) -> list[str]:
    """The error summary's lines, as the organiser reads them (label: message)."""
    summary = response.body.decode().split('id="foutmeldingen"', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def _post(organiser, **form: str):
    return organiser.post(f"{BASE}/{SLUG}/programma", {"version": version(SLUG), **form})


def test_a_missing_title_a_start_too_early_and_an_end_before_it_come_together(make_event, organiser):
    make_event()  # 13:15-17:00
    response = _post(organiser, title="", start="12:00", end="11:30")
    assert response.status_code == 422
    messages = _messages(response)
    assert len(messages) == 3, messages
    assert any("Dit veld is verplicht." in m for m in messages)
    assert any("valt buiten de tijden van de bijeenkomst (13:15–17:00)" in m for m in messages)
    assert any("De eindtijd moet na de begintijd liggen." in m for m in messages)
    assert len(present(event_store().get(SLUG)).programme) == 3


def test_an_end_after_the_meeting_is_told_beside_a_start_before_it(make_event, organiser):
    make_event()
    messages = _messages(_post(organiser, title="Lang", start="12:00", end="18:00"))
    assert [m.split(":", 1)[0] for m in messages] == ["Begintijd", "Eindtijd"], messages


def test_a_round_of_one_workshop_keeps_its_rows_own_message(make_event, organiser):
    make_event()
    response = _post(organiser, title="Ronde", start="14:40", end="15:20", workshop_1_title="", workshop_1_capacity="5")
    assert response.status_code == 422
    body = response.body.decode()
    messages = _messages(response)
    assert any("Een workshopronde heeft ten minste twee workshops." in m for m in messages), messages
    assert any(m.startswith("Workshop 1: ") and "Dit veld is verplicht." in m for m in messages), messages
    # the round's message sits with the round, which is open, and the summary leads to it
    assert '<details class="workshops" id="veld-workshops" open>' in body
    assert 'href="#veld-workshops"' in body
