"""News: articles in Markdown (see richtext) with a publish moment; writing them is audited."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from chalicelib.accounts.model import Account
from chalicelib.audit.store import AuditChange
from chalicelib.core import clock, config
from chalicelib.core.config import TIMEZONE
from chalicelib.core.errors import Conflict, InvalidInput, NotFound
from chalicelib.core.forms import FieldError, slugify, text_field
from chalicelib.core.i18n import _
from chalicelib.core.paging import Page
from chalicelib.news.model import Article
from chalicelib.news.store import SlugTaken, news_store

PAGE_SIZE = 10
BODY_MAX = 20_000


def published(limit: int = PAGE_SIZE, cursor: str | None = None) -> Page[Article]:
    """One page of the articles whose publish moment has come, newest first."""
    return news_store().newest(clock.now(), limit, cursor)


def all_articles(cursor: str | None = None) -> Page[Article]:
    """One page of every article, scheduled ones too, newest first, for organisers."""
    return news_store().newest(None, config.list_page_size(), cursor)


def get(slug: str) -> Article:
    """Any article, published or not; NotFound if there is none."""
    article = news_store().get(slug) if 0 < len(slug) <= 80 else None
    if article is None:
        raise NotFound()
    return article


def form_values(article: Article) -> dict[str, str]:
    return {
        "title": article.title,
        "body": article.body,
        "published_at": article.published_at.strftime("%Y-%m-%dT%H:%M"),
    }


def get_published(slug: str) -> Article:
    article = news_store().get(slug) if len(slug) <= 80 else None
    if article is None or article.published_at > clock.now():
        raise NotFound()
    return article


def _clean(form: Mapping[str, str]) -> tuple[str, str, datetime]:
    errors: dict[str, FieldError] = {}
    title = text_field(form, "title", errors, limit=150)
    body = text_field(form, "body", errors, limit=BODY_MAX, multiline=True)
    when = form.get("published_at", "").strip()
    moment = clock.now()
    if when:
        try:
            moment = datetime.fromisoformat(when).replace(tzinfo=TIMEZONE)
        except ValueError:
            errors["published_at"] = FieldError(_("Vul een datum en tijd in, bijvoorbeeld 2027-09-18T09:00."))
    if errors:
        raise InvalidInput({k: errors[k] for k in ("title", "body", "published_at") if k in errors})
    return title, body, moment


def write(organiser: Account, form: Mapping[str, str], slug: str | None = None) -> Article:
    """Create (slug None) or update an article; audited."""
    store = news_store()
    before = store.get(slug) if slug else None
    if slug and before is None:
        raise NotFound()
    title, body, moment = _clean(form)
    article = Article(slug or slugify(title), title, body, moment, organiser.email, clock.now())
    entry = AuditChange(
        organiser.email,
        "news.updated" if before else "news.created",
        article.slug,
        {"title": before.title, "published_at": before.published_at.isoformat()} if before else {},
        {"title": article.title, "published_at": article.published_at.isoformat()},
        clock.now().isoformat(),
    )
    try:
        store.save(article, entry, new=before is None)
    except SlugTaken as exc:
        raise Conflict(_("Er is al een bericht met deze titel. Kies een andere titel.")) from exc
    return article


def remove(organiser: Account, slug: str) -> None:
    store = news_store()
    article = store.get(slug)
    if article is None:
        raise NotFound()
    store.delete(
        slug, AuditChange(organiser.email, "news.deleted", slug, {"title": article.title}, {}, clock.now().isoformat())
    )
