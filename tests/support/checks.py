"""What is wrong with an answer to hostile input: a server error, a line break in a header, or markup
of the corpus (or anything that would run or load from elsewhere) unescaped in a page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from tests.support.hostile_corpus import corpus

INPUTS = corpus()

MARKER = re.compile(r"alert\(|evil\.example|javascript:")
TAG = re.compile(r"<[A-Za-z!/][^<>]*>?")
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href"}
_ELSEWHERE = re.compile(r"^(?:https?:)?//evil\.example|url=\s*(?:https?:)?//evil\.example")
_LOADERS = {"script", "iframe", "frame", "base", "meta", "object", "embed", "link", "img", "form"}


class ActiveContent(HTMLParser):
    """What a browser would run, or load from evil.example, in a page: an event handler or script
    calling alert(, a javascript: or data:text/html link, a loading element pointing elsewhere."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_script = tag == "script"
        for name, raw in attrs:
            value = (raw or "").strip().lower()
            script_url = name in _URL_ATTRIBUTES and value.startswith(("javascript:", "data:text/html"))
            handler = name.startswith("on") and "alert(" in value
            loads = tag in _LOADERS and _ELSEWHERE.search(value) is not None
            if script_url or handler or loads:
                self.found.append(f"<{tag} {name}={raw!r}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "alert(" in data:
            self.found.append(f"<script>{data[:80]}")


# markup of the corpus that would run or load if a page held it unescaped
NEEDLES: list[str] = sorted(
    {tag for value in INPUTS if MARKER.search(value) for tag in TAG.findall(value) if MARKER.search(tag)}
)


def _header_values(headers: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, value in headers.items():
        for one in value if isinstance(value, list) else [value]:
            yield name, str(one)


def active_content(html: str) -> list[str]:
    """What would run, or load from elsewhere, if a browser showed this HTML."""
    parser = ActiveContent()
    parser.feed(html)
    parser.close()
    return parser.found


def unescaped(value: str, body: str) -> str:
    """What of the corpus's markup, or of any script or foreign resource, a page holds unescaped."""
    if not ("alert(" in body or "evil.example" in body or "javascript:" in body or "data:text" in body):
        return ""
    if MARKER.search(value) and TAG.search(value) and value in body:
        return "the input itself"
    for needle in NEEDLES:
        if needle in body:
            return needle
    found = active_content(body)
    return found[0][:160] if found else ""


def problems(value: str, response: Any) -> list[tuple[str, str]]:
    """(kind, detail) for each thing wrong with one answer."""
    found = []
    if response.status_code >= 500:
        found.append(("server error", ""))
    for name, header in _header_values(response.headers):
        if "\r" in header or "\n" in header:
            found.append(("line break in a response header", f"{name}: {header[:120]!r}"))
    content_type = next((str(v) for k, v in response.headers.items() if k.lower() == "content-type"), "")
    if "html" in content_type or "xml" in content_type:
        detail = unescaped(value, response.body.decode("utf-8", "replace"))
        if detail:
            found.append(("unescaped in the page", detail))
    return found
