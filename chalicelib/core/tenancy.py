"""Which regional network a piece of work belongs to: the outermost partition of all data.

One deployment carries several networks. A web request runs inside the network its host name
selects; a queue message, an upload and a scheduled job inside the network they name. Every key
(core/keys.py) and every store (core/dynamo.TableStore) asks `name()`, which raises `NoNetwork`
outside a network: a read or write that forgot its network cannot run, so it cannot read another's.

The network is a context variable, so threads started inside a network (`in_this_network`) carry it
and two requests served at once in one process never see each other's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from dataclasses import dataclass, field
from typing import ParamSpec, TypeVar

# a network's short name is part of every key and of its local address (<name>.localhost)
NAME = re.compile(r"^[a-z][a-z0-9-]{1,30}[a-z0-9]$")


@dataclass(frozen=True)
class Logo:
    """A network's own logo, as checked when it was uploaded (networks/logo.py)."""

    name: str  # {hash of its content}.{png or jpg}: its object (core/object_keys.logo_object) and its address
    width: int  # in pixels, for the page to keep its place while it loads
    height: int


@dataclass(frozen=True)
class Network:
    """A network as the portal shows and mails it. Its name never changes (every key holds it)."""

    name: str
    title: dict[str, str]  # by language: {"nl": ..., "en": ...}
    hosts: tuple[str, ...]  # host names without port; the first is the one mails link to
    base_url: str  # the origin mails link to
    sender: str  # the From of its mails: an address of an SES identity
    contact: str  # where visitors write (privacy, accessibility, questions); also the mails' Reply-To
    security_contact: str  # security.txt's Contact (mailto: or https:)
    palette: str = "blauw"  # its brand colours, one of a few that keep WCAG AA (static/theme.css)
    trusted_domains: tuple[str, ...] = ()  # from the deployment; organisers add more in the workspace
    retention_days: int = 90  # registrations are anonymised this long after their meeting
    description: dict[str, str] = field(default_factory=dict)  # the footer's line, by language
    themes: tuple[str, ...] = ()  # what its meetings and materials are about (core/themes.py); () the default's
    logo: Logo | None = None  # shown in the header beside its name; None: the portal's own mark

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["nl"]


class NoNetwork(RuntimeError):
    """Data was asked for outside any network: a bug, never something a visitor can cause."""


@dataclass
class _Scope:
    """The network work runs in: its name at once, its settings when first asked for (`resolve`), so
    that work that only reads and writes data (keys need the name alone) never reads the settings."""

    name: str
    network: Network | None
    resolve: Callable[[], Network] | None = None

    def settings(self) -> Network:
        if self.network is None:
            assert self.resolve is not None  # noqa: S101 (within_named gives one)
            self.network = self.resolve()
        return self.network


_current: ContextVar[_Scope | None] = ContextVar("network", default=None)


def _scope() -> _Scope:
    scope = _current.get()
    if scope is None:
        raise NoNetwork("no network: run this inside tenancy.within(network)")
    return scope


def current() -> Network:
    return _scope().settings()


def name() -> str:
    return _scope().name


def is_set() -> bool:
    return _current.get() is not None


@contextmanager
def _entered(scope: _Scope) -> Iterator[_Scope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


@contextmanager
def within(network: Network) -> Iterator[Network]:
    with _entered(_Scope(network.name, network)):
        yield network


@contextmanager
def within_named(name: str, resolve: Callable[[], Network]) -> Iterator[None]:
    """Inside the network called `name`, whose settings `resolve` reads only if something asks for
    them (a command line that may fail on its input before it needs AWS at all)."""
    with _entered(_Scope(name, None, resolve)):
        yield


P = ParamSpec("P")
R = TypeVar("R")


def in_this_network(function: Callable[P, R]) -> Callable[P, R]:
    """`function`, to run on another thread inside the network (and context) of the caller: a new
    thread starts with no network, as a pool's threads do."""
    context = copy_context()

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return context.copy().run(function, *args, **kwargs)

    return run
