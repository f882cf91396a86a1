"""Organisers' text: Markdown (news, event descriptions), rendered with markdown-it-py and sanitised
with nh3; and plain text (messages to attendees), split into paragraphs and lines."""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

import nh3
from markupsafe import Markup

from chalicelib.core.text import encodable

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


@cache
def _markdown() -> MarkdownIt:
    # imported here (about 15 ms): pages show stored HTML (`sanitised`); only saving Markdown, news
    # need the parser.
    # Raw HTML in Markdown is off; nh3 then removes whatever else could run or track.
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render(body: str) -> Markup:
    html = _markdown().render(encodable(body))
    # headings start at h2: the article title is the page's h1
    return sanitised(re.sub(r"<(/?)h1>", r"<\1h2>", html))


def sanitised(html: str) -> Markup:
    """HTML with only what organisers' Markdown may make. Also for HTML rendered earlier and stored:
    cleaned again when shown (microseconds), it never outlives a stricter rule or a careless writer."""
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)  # noqa: S704 (sanitised by nh3 just above)


def paragraphs(text: str) -> list[list[str]]:
    """Plain text as paragraphs (split at blank lines), each a list of its lines. Line breaks may be
    CRLF, as browsers send them and as messages queued before they were normalised hold them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.splitlines() for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
