"""A working group with a document, and the people around it, for the group documents' tests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from chalice.test import Client

from chalicelib.accounts import groups
from chalicelib.library.group_document_model import DocumentHistory
from chalicelib.library.group_document_store import group_document_store
from tests.support.accounts import make_account, sign_in
from tests.support.stored import present
from tests.support.web import FormSession, upload_through_page

GROUP = "drivergroep"
ORGANISER = "org@zwijndrecht.nl"
LEAD = "lead@politie.nl"
MEMBER = "lid@dordrecht.nl"
OUTSIDER = "buiten@rotterdam.nl"  # a member of the network in no group
OTHER_GROUP = "ander@om.nl"  # a member of another group


@dataclass
class People:
    """Everyone the access rules tell apart, each with their own session (the visitor has none)."""

    visitor: FormSession
    outsider: FormSession
    other_group: FormSession
    member: FormSession
    lead: FormSession
    organiser: FormSession

    def by_role(self) -> dict[str, FormSession]:
        return dict(vars(self))


def drivergroep(client: Client) -> People:
    """The drivergroep with a lead and a member, a second group with its own member, and an organiser
    and a member of the network outside both; everyone signed in but the visitor."""
    organiser = make_account(ORGANISER, access="organiser")
    groups.create(ORGANISER, {"name": GROUP, "title": "Drivergroep"})
    groups.create(ORGANISER, {"name": "werkgroep-online", "title": "Online"})
    for email, name, lead in ((LEAD, GROUP, "yes"), (MEMBER, GROUP, ""), (OTHER_GROUP, "werkgroep-online", "")):
        make_account(email, name=email.split("@")[0].capitalize())
        groups.add_member(organiser, name, {"email": email, "lead": lead})
    make_account(OUTSIDER)
    sessions = {
        email: sign_in(FormSession(client), email) for email in (ORGANISER, LEAD, MEMBER, OUTSIDER, OTHER_GROUP)
    }
    return People(
        visitor=FormSession(client),
        outsider=sessions[OUTSIDER],
        other_group=sessions[OTHER_GROUP],
        member=sessions[MEMBER],
        lead=sessions[LEAD],
        organiser=sessions[ORGANISER],
    )


def new_document(session: FormSession, title: str = "Handreiking polarisatie") -> str:
    """Make a document through its page; its address."""
    response = session.post(f"/groepen/{GROUP}/documenten/nieuw", {"title": title})
    assert response.status_code == 303, response.body
    return response.headers["Location"].split("?")[0]


def upload_version(session: FormSession, document: str, content: bytes, filename: str = "Handreiking.pdf") -> Any:
    """Send a file with the document page's form as a browser does, and come back as S3 sends it."""
    key = upload_through_page(session.get(document).body.decode(), content, filename)
    return session.get(f"{document}/klaar?key={key}")


def document_id(document: str) -> str:
    found = re.search(r"/documenten/([0-9a-f]{12})$", document)
    assert found, document
    return found.group(1)


def history_of(document: str) -> DocumentHistory:
    """The document at this address with its versions, as the table holds them now."""
    return present(group_document_store().history(GROUP, document_id(document)))
