"""The soak's visitors: browser sessions over real HTTP that count every answer and sort the 5xx
ones, what they read from pages' forms, and the figures the soak keeps."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

import requests


@dataclass
class Figures:
    """What the soak did and found; shared by its threads under one lock."""

    requests: int = 0
    busy: int = 0  # 503 with Retry-After: a passing fault, as the injected ones are
    unexpected: list[str] = field(default_factory=list)  # any other 5xx, or no answer
    kills: int = 0
    done: Counter[str] = field(default_factory=Counter)  # actions carried out, by name
    lost: int = 0
    doubled: int = 0
    unknown: int = 0
    excess: int = 0  # copies beyond those an unknown outcome accounts for
    mismatches: list[str] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    mails: int = 0
    unreadable: int = 0  # checks the soak could not make (its own reads failed): a failure too
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self) -> str:
        return (
            f"soak: {self.requests} requests, {self.mails} mails, {self.kills} worker kills, "
            f"{self.unknown} unknown outcomes, lost {self.lost}, doubled {self.doubled}, "
            f"counter mismatches {len(self.mismatches)}, unexpected 5xx {len(self.unexpected)}"
        )

    @property
    def failed(self) -> bool:
        return (
            bool(self.lost or self.excess or self.mismatches or self.unexpected or self.unchecked or self.unreadable)
            or not self.mails
        )


# -- the stack -------------------------------------------------------------------------------------


class _Forms(HTMLParser):
    """The hidden fields of each form on a page, by its action; and the radio choices by name."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self.choices: dict[str, list[str]] = {}
        self._action = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._action = a.get("action", "")
            self.forms.setdefault(self._action, {})
        elif tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.forms.setdefault(self._action, {})[a["name"]] = a.get("value", "")
        elif tag == "input" and a.get("type") == "radio" and a.get("name"):
            self.choices.setdefault(a["name"], []).append(a.get("value", ""))


def forms_of(page: str) -> _Forms:
    parsed = _Forms()
    parsed.feed(page)
    return parsed


class Visitor:
    """A browser session over real HTTP that counts its requests and sorts the 5xx answers."""

    def __init__(self, url: str, figures: Figures) -> None:
        self.url, self.figures = url, figures
        self.http = requests.Session()

    def go(self, method: str, path: str, **kwargs: object) -> requests.Response | None:
        try:
            response = self.http.request(method, self.url + path, timeout=60, allow_redirects=False, **kwargs)  # type: ignore[arg-type]
        except requests.RequestException as error:
            with self.figures.lock:
                self.figures.requests += 1
                self.figures.unexpected.append(f"{method} {path}: no answer ({type(error).__name__})")
            return None
        with self.figures.lock:
            self.figures.requests += 1
            if response.status_code == 503 and response.headers.get("Retry-After"):
                self.figures.busy += 1
            elif response.status_code >= 500:
                self.figures.unexpected.append(f"{method} {path}: {response.status_code}")
        return response

    def submit(self, page_path: str, action: str, fields: dict[str, str]) -> requests.Response | None:
        """Open the page, send its form with `fields`; once more with the very same form after a 503
        (a browser's retry: the form's one-time key makes it the same request)."""
        page = self.go("GET", page_path)
        if page is None or page.status_code != 200:
            return page
        form = {**forms_of(page.text).forms.get(action, {}), **fields}
        response = self.go("POST", action, data=form)
        if response is not None and response.status_code == 503:
            time.sleep(min(float(response.headers.get("Retry-After", "1")), 2.0))
            response = self.go("POST", action, data=form)
        return response
