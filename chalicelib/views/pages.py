"""Public pages: event lists, the event page with its registration form, the personal link."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from pathlib import Path

from chalice.app import Blueprint, Response

from chalicelib.accounts import groups
from chalicelib.core import checked, clock, config
from chalicelib.core.errors import FormInProgress, NotFound
from chalicelib.core.forms import FieldError
from chalicelib.core.rendering import render
from chalicelib.evaluations import service as evaluations
from chalicelib.events import service as events
from chalicelib.events.model import Event
from chalicelib.library import service as library
from chalicelib.news import service as news
from chalicelib.registrations import calendars, certificates, moves
from chalicelib.registrations import service as registration
from chalicelib.registrations.lifecycle import RegistrationStatus
from chalicelib.registrations.model import online_link
from chalicelib.views.http import (
    FORM,
    LANG_COOKIE,
    calendar_response,
    cookie_header,
    current_account,
    form_key,
    form_post,
    language,
    local_path,
    one_time_key,
    page,
    query_params,
    redirect,
)

bp = Blueprint(__name__)

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".js": "text/javascript; charset=utf-8"}
_STATIC_NAME = re.compile(r"^[a-z0-9-]+\.(css|svg|js)$")


def _query(name: str) -> str | None:
    return query_params(bp.current_request).get(name)


@bp.route("/", methods=["GET"])
def home() -> Response:
    latest = news.published(limit=3).items
    return page(bp.current_request, "home.html", upcoming=events.upcoming(limit=5), news=latest)


@bp.route("/events", methods=["GET"])
def event_list() -> Response:
    when = "past" if _query("when") == "past" else "upcoming"
    listing = events.past(_query("after")) if when == "past" else events.upcoming(_query("after"))
    # a member's working groups' meetings head the first page of the upcoming ones (no read for a visitor)
    first = when != "past" and not _query("after")
    account = current_account(bp.current_request) if first else None
    mine = events.of_my_groups(account)
    titles = {group.name: group.title for group in groups.of(account)} if mine and account else {}
    return page(bp.current_request, "events.html", when=when, listing=listing, group_meetings=mine, group_titles=titles)


# a path of its own: API Gateway matches /events.ics before the parameter of /events/{slug}
@bp.route("/events.ics", methods=["GET"])
def calendar_feed() -> Response:
    """The public meetings as a feed that calendar apps subscribe to; they fetch it about hourly."""
    return calendar_response(events.calendar_feed(), cache="public, max-age=3600")


@bp.route("/events/{slug}", methods=["GET"])
def event_page(slug: str) -> Response:
    # read only when a session cookie comes with the request (a working group's meeting needs it)
    viewer = current_account(bp.current_request)
    # API Gateway path parameters are whole segments, so /events/{slug}.ics lands here
    if slug.endswith(".ics"):
        slug = slug.removesuffix(".ics")
        return calendar_response(events.calendar_file(slug, viewer), filename=f"{slug}.ics")
    return _event_page(events.get(slug, viewer))


def _event_page(
    event: Event, values: dict[str, str] | None = None, errors: dict[str, FieldError] | None = None
) -> Response:
    account = current_account(bp.current_request)
    if values is None and account is not None:
        # a signed-in member finds the form filled in
        values = {"name": account.name, "email": account.email, "organisation": account.organisation}
    now = clock.now()
    return page(
        bp.current_request,
        "event.html",
        event=event,
        materials=library.of_event(event, account, now),
        state=event.registration_state(now),
        values=values or {},
        errors=errors or {},
        form_key=form_key(values),
    )


def _registration_refused(slug: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    return _event_page(events.get(slug, current_account(bp.current_request)), values, errors)


@bp.route("/events/{slug}/aanmelden", methods=["POST"], content_types=FORM)
@form_post(bp, on_invalid=_registration_refused)
def register(form: dict[str, str], slug: str) -> Response:
    request = bp.current_request
    key = one_time_key(form)
    # sent twice (a double click, a browser's resend): registered once, and the same answer both times
    outcome = registration.register(slug, form, language(request), key, current_account(request))
    if outcome.in_progress:
        raise FormInProgress()  # the first is still sending its mail (or died doing so: a retry takes it over)
    account = current_account(request)
    if account is not None and account.email.lower() == outcome.registration.email.lower():
        # a signed-in member has shown they read this address: straight to their registration
        mail = "0" if outcome.mail_failed else "1"
        return redirect(f"/r/{outcome.registration.token}?nieuw=1&mail={mail}")
    # anyone else sees what they sent and where the personal link went, never the link itself
    return page(
        request,
        "registration_sent.html",
        event=outcome.event,
        submitted=outcome.submitted,
        mail_failed=outcome.mail_failed,
    )


@bp.route("/r/{token}", methods=["GET"])
def manage(token: str) -> Response:
    if token.endswith(".ics"):
        # the meeting as it stands for this attendee: a cancelled one takes it out of their calendar
        body = calendars.calendar_file(token.removesuffix(".ics"))
        return calendar_response(body, filename=calendars.file_name(language(bp.current_request)))
    return _manage_page(token)


def _manage_page(
    token: str, values: dict[str, str] | None = None, errors: dict[str, FieldError] | None = None
) -> Response:
    reg, event, position = registration.find(token)
    return page(
        bp.current_request,
        "manage.html",
        registration=reg,
        event=event,
        position=position,
        can_choose=registration.can_choose_workshops(reg, event),
        # the workshops as chosen, or as just sent back with a message
        values=values if values is not None else {f"round_{p}": str(s) for p, s in reg.workshops.items()},
        errors=errors or {},
        workshops_saved=_query("workshops") == "1",
        is_new=_query("nieuw") == "1",
        mail_failed=_query("mail") == "0",
        just_cancelled=_query("geannuleerd") == "1",
        can_cancel=not reg.ended and clock.now() < event.starts_at,
        evaluation_open=evaluations.can_answer(reg, event),
        certificate=certificates.available(reg, event),
        check_in_open=event.check_in_open(clock.now()),  # for an organiser who scanned the QR code
        online_link=online_link(event, reg.status == RegistrationStatus.CONFIRMED, reg.attendance),
        switch_to=moves.switchable_to(reg, event),
        switched=_query("deelname") == "1",
    )


def _workshops_refused(token: str, values: dict[str, str], errors: dict[str, FieldError]) -> Response:
    return _manage_page(token, values, errors)


@bp.route("/r/{token}/workshops", methods=["POST"], content_types=FORM)
@form_post(bp, on_invalid=_workshops_refused)
def choose_workshops(form: dict[str, str], token: str) -> Response:
    registration.choose_workshops(token, form)
    return redirect(f"/r/{token}?workshops=1#workshops")


@bp.route("/r/{token}/deelname", methods=["POST"], content_types=FORM)
@form_post(bp)
def switch_attendance(form: dict[str, str], token: str) -> Response:
    """On location or online, at a hybrid meeting: the switch, then the page again with what it did."""
    moves.switch_attendance(token, form.get("attendance", ""))
    return redirect(f"/r/{token}?deelname=1#deelname")


@bp.route("/agenda/{feed}", methods=["GET"])
def member_calendar(feed: str) -> Response:
    """A member's private feed of the meetings they registered for (its link is on /account)."""
    if not feed.endswith(".ics"):
        raise NotFound()
    return calendar_response(calendars.member_calendar(feed.removesuffix(".ics")))


@bp.route("/r/{token}/certificaat", methods=["GET"])
def certificate(token: str) -> Response:
    """A checked-in attendee's certificate of attendance."""
    return Response(
        certificates.of_attendee(token),
        headers={
            "Content-Type": "application/pdf",
            "Content-Disposition": 'attachment; filename="bewijs-van-deelname.pdf"',
        },
    )


@bp.route("/r/{token}/annuleren", methods=["GET"])
def confirm_cancel(token: str) -> Response:
    """A second step before cancelling, as the seat may go to someone else at once."""
    reg, event, _position = registration.find(token)
    if reg.ended or clock.now() >= event.starts_at:
        return redirect(f"/r/{token}")
    return page(bp.current_request, "confirm_cancel.html", registration=reg, event=event, form_key=form_key(None))


@bp.route("/r/{token}/annuleren", methods=["POST"], content_types=FORM)
@form_post(bp)
def cancel(form: dict[str, str], token: str) -> Response:
    moves.cancel(token, one_time_key(form))  # sent twice: the same answer, not "cancelled already"
    return redirect(f"/r/{token}?geannuleerd=1")


@bp.route("/privacy", methods=["GET"])
def privacy() -> Response:
    return page(bp.current_request, "privacy.html")


@bp.route("/toegankelijkheid", methods=["GET"])
def accessibility() -> Response:
    """The accessibility statement (toegankelijkheidsverklaring), after the Dutch government's model."""
    return page(bp.current_request, "accessibility.html", contact=config.contact_address(), checked=checked)


@bp.route("/.well-known/security.txt", methods=["GET"])
def security_txt() -> Response:
    """RFC 9116: how to report a vulnerability (on the Dutch government's "pas toe of leg uit" list)."""
    expires = (clock.now() + timedelta(days=180)).astimezone(UTC).replace(microsecond=0)
    body = render(
        "security.txt",
        "nl",
        contact=config.security_contact(),
        expires=expires.isoformat().replace("+00:00", "Z"),
        canonical=f"{config.base_url()}/.well-known/security.txt",
    )
    return Response(body, headers={"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "max-age=86400"})


@bp.route("/taal/{code}", methods=["GET"])
def switch_language(code: str) -> Response:
    if code not in ("nl", "en"):
        raise NotFound()
    target = local_path(_query("next"))
    return redirect(target, {"Set-Cookie": cookie_header(LANG_COOKIE, code, 60 * 60 * 24 * 365)})


@bp.route("/static/{name}", methods=["GET"])
def static(name: str) -> Response:
    if not _STATIC_NAME.match(name):
        raise NotFound()
    path = STATIC_DIR / name
    if not path.is_file():
        raise NotFound()
    return Response(
        path.read_text(encoding="utf-8"),
        headers={"Content-Type": _STATIC_TYPES[path.suffix], "Cache-Control": "public, max-age=3600"},
    )
