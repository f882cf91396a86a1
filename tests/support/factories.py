"""Small factories: an event as the import stores it, a registration form, attendees written in bulk."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.core import aws, clock
from chalicelib.core.config import TIMEZONE
from chalicelib.core.dynamo import to_attrs
from chalicelib.events.model import Event
from chalicelib.events.parts import Slot, Speaker
from chalicelib.registrations.store import registration_store
from tests.support.aws import LOCAL_STAGE, NOW

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import WriteRequestTypeDef


# moments of the default event's day (18 March 2027, 13:15-17:00), as the portal's clock reads them:
# check-in opens on the day, certificates once it is over (registration closed a week before)
MEETING_DAY = datetime(2027, 3, 18, 8, 0, tzinfo=TIMEZONE)
MEETING_OVER = datetime(2027, 3, 18, 17, 0, tzinfo=TIMEZONE)


def build_event(**overrides: Any) -> Event:
    fields: dict[str, Any] = {
        "slug": "netwerkbijeenkomst-test",
        "title": "Netwerkbijeenkomst Maatschappelijk ongenoegen",
        "date": date(2027, 3, 18),
        "start": "13:15",
        "end": "17:00",
        "venue": "Gemeentehuis Zwijndrecht",
        "room": "Raadzaal",
        "address": "Raadhuisplein 1, Zwijndrecht",
        "capacity": 3,
        "summary": "Kennismaking en kennisdeling.",
        "audience": "Aandachtsfunctionarissen en beleidsadviseurs",
        "roles": ("Aandachtsfunctionaris", "Specialist CTER (politie)"),
        "themes": ("polarisatie", "radicalisering"),
        "registration_deadline": datetime(2027, 3, 11, 17, 0, tzinfo=TIMEZONE),
        "programme": [
            Slot(1, "13:15", "13:30", "Inloop met koffie en thee"),
            Slot(2, "13:30", "13:40", "Welkomstwoord", (Speaker("Burgemeester Haan", "Gemeente Zwijndrecht"),)),
            Slot(3, "13:55", "14:35", "Leernetwerk Polarisatie", (Speaker("Annemarie van Hinsberg", "Movisie"),)),
        ],
    }
    fields.update(overrides)
    return Event(**fields)


def store_event(event: Event) -> None:
    """Create or replace an event the way the import does: conditional on its version, counters untouched."""
    from chalicelib.events.workspace import import_event

    import_event("tests", event, clock.now())


def confirmed_attendees(count: int, slug: str = "netwerkbijeenkomst-test") -> list[str]:
    """Confirmed registrations written straight to the table (25 a call), as the stores keep them; their addresses."""
    from chalicelib.registrations.model import Registration

    now = clock.now()
    regs = [
        Registration(
            slug, f"token{i:05d}" + "x" * 30, f"Deelnemer {i}", f"deelnemer{i}@zwijndrecht.nl", "Gemeente", "", now
        )
        for i in range(count)
    ]
    for start in range(0, count, 25):
        puts: list[WriteRequestTypeDef] = [
            {"PutRequest": {"Item": to_attrs(r.to_item())}} for r in regs[start : start + 25]
        ]
        aws.dynamodb().batch_write_item(RequestItems={LOCAL_STAGE["TABLE_NAME"]: puts})
    figures: Counter[str] = Counter()
    for reg in regs:
        figures.update(reg.figures())
    registration_store().put_figures(slug, figures)  # as the registration transactions would have kept them
    return [r.email for r in regs]


def registration_form(**overrides: str) -> dict[str, str]:
    form = {
        "name": "Fatima el Amrani",
        "email": f"fatima.{secrets.token_hex(3)}@zwijndrecht.nl",
        "organisation": "Gemeente Zwijndrecht",
        "role": "Aandachtsfunctionaris",
        "remarks": "",
        "consent": "yes",
    }
    form.update(overrides)
    return form


def in_days(days: int) -> datetime:
    return NOW + timedelta(days=days)
