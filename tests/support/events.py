"""Events as organisers send them: the workspace form, and the smallest import file."""

from __future__ import annotations

from chalicelib.events.store import event_store
from tests.support.stored import present

BASE = "/beheer/bijeenkomsten"


def event_form(**overrides: str) -> dict[str, str]:
    form = {
        "title": "Netwerkbijeenkomst Dordrecht",
        "slug": "",
        "date": "2027-09-18",
        "start": "13:15",
        "end": "17:00",
        "venue": "Stadhuis Dordrecht",
        "room": "Raadzaal",
        "address": "Stadhuisplein 1, Dordrecht",
        "summary": "Kennismaking en kennisdeling.",
        "description": "Een middag over **polarisatie**.",
        "audience": "Aandachtsfunctionarissen",
        "roles": "Aandachtsfunctionaris\nSpecialist CTER (politie)",
        "theme_0": "yes",
        "capacity": "40",
        "registration_deadline": "2027-09-11T17:00",
        "publish_slides_after": "yes",
    }
    form.update(overrides)
    return form


def version(slug: str) -> str:
    return str(present(event_store().get(slug)).version)


def minimal(**overrides):
    event = {
        "slug": "bijeenkomst",
        "title": "Bijeenkomst",
        "date": "2027-05-01",
        "start": "13:00",
        "end": "16:00",
        "venue": "Stadhuis",
        "capacity": 10,
    }
    event.update(overrides)
    return event
