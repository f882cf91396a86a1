"""Realistic data at its longest, in the lists of the portal: what the phone and reflow tests measure.

Long Dutch names, addresses of the kind a municipality has, organisations with their department,
compounds of forty letters and more ("Radicaliseringspreventieprogrammacoördinatoren"), and ROWS rows
in each of these lists: meetings (and one person's registrations for them), the demo meeting's
registrations and speakers, account requests, materials, news, trusted domains, unreachable addresses,
and through them the audit log. Not filled: the demo meeting's programme and questions (as the demo
file has them) and the mail jobs (one newsletter).

Written through the services, as the workspace writes it, and the mails they cause go as any would;
except the account requests (stored as verified, without the request form's mail) and the trusted
domains (one list, saved at once): a transaction on moto server copies the whole table, so each
write costs more as the table fills.

    python -m devtools.long_data ORGANISER_ADDRESS   (with a portal's environment, as manage.py runs)
"""

from __future__ import annotations

import sys
from datetime import timedelta

from chalicelib.accounts.model import Account, AccountStatus
from chalicelib.accounts.newsletter import send as send_newsletter
from chalicelib.accounts.service import ensure_organiser, epoch, update_own
from chalicelib.accounts.store import account_store
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock
from chalicelib.core.checked import ROWS
from chalicelib.core.themes import themes
from chalicelib.events.importer import load
from chalicelib.events.store import event_store
from chalicelib.library.service import add_document
from chalicelib.library.speakers import invite
from chalicelib.mail.suppression import record
from chalicelib.news.service import write
from chalicelib.registrations.service import register
from devtools.documents import pdf
from devtools.stage import default_network, use_stage

# the meeting whose workspace pages the page types open (devtools/page_types.py)
DEMO = "netwerkbijeenkomst-zwijndrecht"

COMPOUNDS = (
    "Radicaliseringspreventieprogrammacoördinatoren",
    "Polarisatiebestendigheidsonderzoeksrapportage",
    "Veiligheidsregiowerkgroepsvoorzittersoverleg",
    "Gemeenschapsvoorzieningenbeleidsmedewerkers",
)
NAMES = (
    "Anne-Marije van Oudshoorn-Vanderlinden",
    "Maria Theresia Alexandra van den Hoogenband-Wijnhoven",
    "Mohammed El Ouazzani-Boukhriss",
    "Joost-Willem Schimmelpenninck van der Oye",
)
ORGANISATIONS = (
    "Gemeente Hoeksche Waard, afdeling Openbare Orde, Veiligheid en Handhaving",
    "Nationaal Coördinator Terrorismebestrijding en Veiligheid (NCTV), directie Weerbaarheid",
    "Politie Eenheid Rotterdam, Dienst Regionale Informatieorganisatie, team CTER",
    "Veiligheidsregio Rotterdam-Rijnmond, " + COMPOUNDS[2],
)
ROLE = "Aandachtsfunctionaris maatschappelijk ongenoegen (gemeente)"  # one of the demo meeting's roles


def person(n: int) -> dict[str, str]:
    """The n-th person: a long name, an address without a place to break, an organisation and a job."""
    name = NAMES[n % len(NAMES)]
    return {
        "name": f"{name} {n}",
        "email": f"{name.split()[0].lower()}.radicaliseringspreventiecoordinatie{n}@hoekschewaardgemeente.nl",
        "organisation": ORGANISATIONS[n % len(ORGANISATIONS)],
        "job": f"Senior beleidsadviseur {COMPOUNDS[n % len(COMPOUNDS)].lower()}"[:100],
    }


def meetings(organiser: str) -> None:
    """ROWS meetings with long titles, venues and addresses; the organiser registered for each (their
    own account page lists them)."""
    first = clock.now().date() + timedelta(days=40)
    load(
        [
            {
                "slug": f"themabijeenkomst-{n}",
                "title": f"Themabijeenkomst {COMPOUNDS[n % len(COMPOUNDS)]} en {COMPOUNDS[(n + 1) % len(COMPOUNDS)]}",
                "date": (first + timedelta(days=n)).isoformat(),
                "start": "09:30",
                "end": "12:00",
                "venue": "Multifunctioneel Gemeenschapscentrum De Wilgenhoeve",
                "room": "Burgemeester Van Oudshoorn-Vanderlindenzaal",
                "address": "Burgemeester Schimmelpenninck van der Oyestraat 1234-bis, Oud-Beijerland",
                "capacity": 100,
                "summary": f"Over {COMPOUNDS[n % len(COMPOUNDS)].lower()} in de praktijk van gemeenten.",
                "themes": [themes()[n % len(themes())]],
            }
            for n in range(ROWS)
        ]
    )
    for n in range(ROWS):
        details = person(n)
        form = {**details, "email": organiser, "name": NAMES[1], "role": details["job"], "consent": "yes"}
        register(f"themabijeenkomst-{n}", form, "nl")


def registrations() -> None:
    """ROWS people registered for the demo meeting: on location (one of each workshop in turn) and online."""
    event = event_store().get(DEMO)
    if event is None:
        raise SystemExit("load the demo meetings first (manage.py load-events demo/events.yaml)")
    rounds = [slot for slot in event.programme if slot.workshops]
    for n in range(ROWS):
        form = {**person(n), "role": ROLE, "consent": "yes", "remarks": COMPOUNDS[n % len(COMPOUNDS)]}
        form["attendance"] = "online" if n % 3 == 2 else "location"
        if form["attendance"] == "location":
            form.update({f"round_{s.position}": str(s.workshops[n % len(s.workshops)].id) for s in rounds})
        form.update({q.field: "yes" for q in event.questions if q.required})
        register(DEMO, form, "nl")


def account_requests() -> None:
    """ROWS requests waiting for an organiser, each with its reason."""
    store = account_store()
    for n in range(ROWS):
        details = person(n)
        reason = f"Ik ben {details['job']} en zoek de {COMPOUNDS[0].lower()} van de regio."
        account = Account(
            email=details["email"],
            name=details["name"],
            organisation=details["organisation"],
            job=details["job"],
            reason=reason,
            status=AccountStatus.PENDING,
            created_at=clock.now(),
        )
        store.create(account, epoch())


def library() -> None:
    """ROWS documents with long titles; one in two belongs to the demo meeting."""
    for n in range(ROWS):
        title = f"{COMPOUNDS[n % len(COMPOUNDS)]}: handreiking voor gemeenten, deel {n}"
        content = pdf(f"{title} - {NAMES[n % len(NAMES)]}")
        slug = DEMO if n % 2 else ""
        add_document(content, f"handreiking-{n}.pdf", title, "public", (themes()[0],), slug)


def workspace(organiser: Account) -> None:
    """ROWS news articles, speakers, unreachable addresses and trusted domains, and a newsletter."""
    for n in range(ROWS):
        title = f"{COMPOUNDS[n % len(COMPOUNDS)]} presenteren hun jaarverslag ({n})"
        write(organiser, {"title": title, "body": f"{title}.\n\n{COMPOUNDS[0]} en {COMPOUNDS[1]}."})
        details = person(n)
        invite(DEMO, (4,), details["name"], details["organisation"], f"spreker.{details['email']}")
        bounce = {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {"emailAddress": f"oud.{details['email']}", "diagnosticCode": "smtp; 550 5.1.1 user unknown"}
                ],
            },
        }
        record(bounce, clock.now())
    # trusted domains: one list, saved at once
    domains = [f"afdeling{n}.veiligheidsregiorotterdamrijnmond.nl" for n in range(ROWS)]
    added = AuditChange(organiser.email, "domain.added", domains[0], {}, {"domains": domains}, clock.now().isoformat())
    account_store().set_trusted_domains([], domains, added)
    send_newsletter(organiser.email, f"Nieuwsbrief {COMPOUNDS[0]}", COMPOUNDS[0])


def seed(organiser: str) -> None:
    account = ensure_organiser(organiser, "planner")
    account = update_own(account, {**person(1), "name": NAMES[1]})
    meetings(organiser)
    registrations()
    account_requests()
    library()
    workspace(account)


if __name__ == "__main__":
    use_stage("local")
    with default_network():
        seed(sys.argv[1])
    print(f"{ROWS} rows in every list")
