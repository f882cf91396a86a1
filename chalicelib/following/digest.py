"""Followed themes: the daily digest of what was published in them, and unfollowing from its mail.

A member follows themes on /account. Every morning a scheduled job looks at what was published
the day before, by the network's clock: meetings published for the first time and materials that
became visible. If there is anything, it starts one mail job (kind `digest`, id `digest-{day}`: at
most one a day, and safe to run twice). The mail worker finds the followers (the sparse part of
GSI3) and writes each their own list: only what is in a theme they follow and what they may open,
so no title reaches anyone who could not see it. Each mail carries a one-click unsubscribe
(RFC 8058) from the themes it was sent for, and a link per theme in its text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from chalicelib.accounts import service as accounts
from chalicelib.accounts.model import Account
from chalicelib.accounts.store import account_store
from chalicelib.core import clock, config
from chalicelib.core.errors import UnsubscribeLinkInvalid
from chalicelib.core.i18n import _
from chalicelib.core.keys import email_key
from chalicelib.core.secret import secret_key
from chalicelib.core.themes import themes as network_themes
from chalicelib.events.listings import event_listings
from chalicelib.events.model import Event, EventStatus
from chalicelib.library import service as library
from chalicelib.library.model import Material, MaterialAccess
from chalicelib.library.store import library_store
from chalicelib.mail import jobs
from chalicelib.mail import sending as mail
from chalicelib.mail.kinds import Kind, nothing_after
from chalicelib.mail.model import JobKind, MailJob, Recipient
from chalicelib.mail.store import JobExists

log = logging.getLogger(__name__)
ACTOR = "planning"  # who the audit log names for the scheduled job
SUBJECT = _("Nieuw in de thema's die u volgt")


@dataclass(frozen=True)
class News:
    """What was published on one day: the digest's candidates, before each reader's themes and rights."""

    events: list[Event]
    materials: list[Material]

    @property
    def themes(self) -> set[str]:
        return _themes_of(self.events, self.materials)


def _themes_of(events: list[Event], materials: list[Material]) -> set[str]:
    return {theme for e in events for theme in e.themes} | {theme for m in materials for theme in m.themes}


@dataclass(frozen=True)
class Digest:
    """One member's digest: what they follow and may open, and the themes it was sent for."""

    events: list[Event]
    materials: list[Material]
    themes: tuple[str, ...]


def news_of(day: str) -> News:
    """What was published on `day` (YYYY-MM-DD) and is visible still: two Queries of GSI3."""
    now = clock.now()
    events = [e for e in event_listings().published_on(day) if e.status == EventStatus.PUBLISHED]
    materials = [m for m in library_store().visible_on(day) if m.is_visible(now)]
    return News(events, materials)


def send_digest(day: date | None = None) -> int:
    """Scheduled, daily: start the digest of yesterday (or of `day`) if anything was published then.
    Returns 1 when a job was started, 0 when there was no news or the day's job exists already."""
    day = day or clock.now().date() - timedelta(days=1)
    news = news_of(day.isoformat())
    if not news.themes:
        log.info("digest: nothing published in a theme", extra={"day": day.isoformat()})
        return 0
    job_id = f"digest-{day.isoformat()}"
    try:
        jobs.start(JobKind.DIGEST, ACTOR, "digest.started", clock.now(), job_id=job_id, day=day)
    except JobExists:
        jobs.restart(job_id)  # recorded by a run whose queue message may never have gone out
        return 0
    return 1


def for_member(news: News, account: Account, now: datetime) -> Digest:
    """The part of the day's news this member follows and may open."""
    followed = set(account.themes) if account.follows else set()
    events = [e for e in news.events if followed & set(e.themes)]
    materials = [m for m in news.materials if followed & set(m.themes)]
    # only material for a meeting's attendees needs their registrations: read them only then
    needs_registrations = any(m.access == MaterialAccess.ATTENDEES for m in materials)
    attended = library.attended(account) if needs_registrations else set()
    materials = [m for m in materials if library.may_open(m, account, attended, now)]
    sent_for = _themes_of(events, materials) & followed
    return Digest(events, materials, tuple(theme for theme in network_themes() if theme in sent_for))


# -- the mail job's kind --------------------------------------------------------


def followers_with_news(job: MailJob) -> list[Recipient]:
    """Approved accounts that follow a theme something was published in that day. Whether each may
    open any of it is decided per mail, with their registrations (`for_member`)."""
    themes = load(job).themes
    return [
        Recipient(email_key(a.email), a.email, a.name, a.language, ref=email_key(a.email))
        for a in account_store().followers()
        if themes & set(a.themes)
    ]


def load(job: MailJob) -> News:
    if job.day is None:
        raise LookupError("a digest job without its day")
    return news_of(job.day.isoformat())


def compose(job: MailJob, to: Recipient, news: News) -> bytes | None:
    """One follower's digest, read against their account as it is now; None when nothing in it is for
    them any more (they stopped following, or may open none of it)."""
    account = account_store().get_by_key(to.ref)
    digest = for_member(news, account, clock.now()) if account is not None else None
    if digest is None or not digest.themes:
        return None
    base = config.base_url()
    return mail.compose(
        to.email,
        SUBJECT,
        "digest",
        to.language,
        headers=mail.one_click_unsubscribe(unfollow_url(to.ref, digest.themes)),
        recipient=to,
        day=job.day,
        events=[(e, f"{base}/events/{e.slug}") for e in digest.events],
        materials=[(m, f"{base}/kennisbank/{m.id}/download") for m in digest.materials],
        unfollow=[(theme, unfollow_url(to.ref, (theme,))) for theme in digest.themes],
        account_url=f"{base}/account#themas",
    )


KINDS: dict[JobKind, Kind] = {JobKind.DIGEST: Kind(followers_with_news, compose, load, nothing_after)}


# -- unfollowing from the mail -------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt="theme-unsubscribe")


def unfollow_url(account_key: str, themes: Iterable[str]) -> str:
    return f"{config.base_url()}/themas/afmelden/{_serializer().dumps([account_key, list(themes)])}"


def unfollow_link(token: str) -> tuple[str, tuple[str, ...]]:
    """The account key and themes a signed link names; UnsubscribeLinkInvalid for anything else."""
    try:
        key, themes = _serializer().loads(token)
    except (BadSignature, TypeError, ValueError) as exc:
        raise UnsubscribeLinkInvalid() from exc
    if not isinstance(key, str) or not isinstance(themes, list):
        raise UnsubscribeLinkInvalid()
    named = tuple(theme for theme in network_themes() if theme in themes)
    if not named:  # themes that no longer exist
        raise UnsubscribeLinkInvalid()
    return key, named


def unfollow_asked(token: str) -> tuple[tuple[str, ...], bool]:
    """The themes a signed link names, and whether its account still follows any of them: when
    none, the link was used already (or the member chose otherwise on their account page)."""
    key, themes = unfollow_link(token)
    account = account_store().get_by_key(key)
    return themes, account is not None and any(theme in account.themes for theme in themes)


def unfollow(token: str) -> tuple[str, ...]:
    """One click, no sign-in: the signed link names the account and the themes it stops following."""
    key, themes = unfollow_link(token)
    account = account_store().get_by_key(key)
    if account is not None:
        accounts.set_themes(account, [t for t in account.themes if t not in themes], actor=account.email)
    return themes
