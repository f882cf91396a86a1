"""/groepen: a working group's own page for its members (its meetings, documents and members), where
its leads and the organisers change who belongs; /beheer/werkgroepen: organisers create and edit groups.

To anyone outside a group (and not an organiser) each of its addresses is 404, as a missing group's."""

from __future__ import annotations

from chalice.app import Blueprint, Response

from chalicelib.accounts import groups
from chalicelib.accounts.model import Access
from chalicelib.core.errors import Conflict, GroupNotFound
from chalicelib.core.forms import FieldError
from chalicelib.events import group_meetings, invitations
from chalicelib.events import service as events
from chalicelib.events.forms import EVENT_FORM
from chalicelib.library import group_documents
from chalicelib.views.auth import form_action, form_page, requires, signed_in
from chalicelib.views.http import page, query_params, redirect

bp = Blueprint(__name__)


@bp.route("/groepen", methods=["GET"])
@requires(bp, Access.MEMBER)
def my_groups() -> Response:
    account = signed_in(bp.current_request)
    shown = groups.all_groups() if account.is_organiser else groups.of(account)
    return page(bp.current_request, "groups.html", groups=shown)


def _group_page(name: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    viewer = signed_in(bp.current_request)
    roster = groups.roster(viewer, name)
    query = query_params(bp.current_request)
    return page(
        bp.current_request,
        "group.html",
        roster=roster,
        meetings=events.of_group(viewer, name),
        documents=group_documents.histories(roster.items),  # from the group's one Query
        group_titles={name: roster.group.title},
        manages=viewer.manages_group(name),
        added=next((a for _m, a in roster.members if a.key == query.get("toegevoegd")), None),
        removed=query.get("verwijderd") == "1",
        values=values,
        errors=errors,
    )


@form_page(bp, "/groepen/{name}", _group_page, Access.MEMBER)
def add_member(form: dict[str, str], name: str) -> Response:
    account = groups.add_member(signed_in(bp.current_request), name, form)
    invitations.welcome(account, name)
    return redirect(f"/groepen/{name}?toegevoegd={account.key}#leden")


@bp.route("/groepen/{name}/leden/{key}/verwijderen", methods=["GET"])
@requires(bp, Access.MEMBER)
def confirm_removal(name: str, key: str) -> Response:
    viewer = signed_in(bp.current_request)
    person = groups.member_account(viewer, name, key)
    group = groups.get(viewer, name)
    return page(bp.current_request, "group_member_remove.html", group=group, person=person)


@form_action(bp, "/groepen/{name}/leden/{key}/verwijderen", Access.MEMBER)
def remove_member(form: dict[str, str], name: str, key: str) -> Response:
    groups.remove_member(signed_in(bp.current_request), name, key)
    return redirect(f"/groepen/{name}?verwijderd=1#leden")


@form_action(bp, "/groepen/{name}/leden/{key}/leiding", Access.ORGANISER)
def set_lead(form: dict[str, str], name: str, key: str) -> Response:
    groups.set_lead(signed_in(bp.current_request), name, key, form.get("lead") == "yes")
    return redirect(f"/groepen/{name}#leden")


def _meeting_page(name: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    viewer = signed_in(bp.current_request)
    group = groups.get(viewer, name)
    if not viewer.manages_group(name):
        raise GroupNotFound()
    fields = [(field, rule) for field, rule in EVENT_FORM if field in group_meetings.GROUP_MEETING_FIELDS]
    return page(
        bp.current_request,
        "group_meeting_new.html",
        group=group,
        event_form=fields,
        themes=(),
        values=values or {"capacity": "20"},
        errors=errors,
    )


@form_page(bp, "/groepen/{name}/bijeenkomst", _meeting_page, Access.MEMBER)
def create_meeting(form: dict[str, str], name: str) -> Response:
    event = group_meetings.create_for_group(signed_in(bp.current_request), name, form)
    return redirect(f"/events/{event.slug}?gepland=1")


def _admin_page(values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    deleted = query_params(bp.current_request).get("verwijderd") == "1"
    shown = groups.all_groups()
    return page(bp.current_request, "admin_groups.html", groups=shown, deleted=deleted, values=values, errors=errors)


@form_page(bp, "/beheer/werkgroepen", _admin_page, Access.ORGANISER)
def create_group(form: dict[str, str]) -> Response:
    group = groups.create(signed_in(bp.current_request).email, form)
    return redirect(f"/groepen/{group.name}")


def _edit_page(name: str, values: dict[str, str], errors: dict[str, FieldError], refused: str = "") -> Response:
    group = groups.get(signed_in(bp.current_request), name)
    values = values or {"title": group.title, "description": group.description}
    return page(bp.current_request, "admin_group.html", group=group, values=values, errors=errors, refused=refused)


@form_page(bp, "/beheer/werkgroepen/{name}", _edit_page, Access.ORGANISER)
def edit_group(form: dict[str, str], name: str) -> Response:
    groups.edit(signed_in(bp.current_request), name, form)
    return redirect(f"/groepen/{name}")


@form_action(bp, "/beheer/werkgroepen/{name}/verwijderen", Access.ORGANISER)
def delete_group(form: dict[str, str], name: str) -> Response:
    try:
        group_meetings.delete_group(signed_in(bp.current_request), name)
    except Conflict as refused:  # not empty: said on the group's own page, beside the button
        response = _edit_page(name, {}, {}, refused=refused.message)
        response.status_code = refused.status
        return response
    return redirect("/beheer/werkgroepen?verwijderd=1")
