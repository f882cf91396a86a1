"""The network's themes: events and materials are tagged with them, members follow them.

Each network has its own list (its organisers keep it at /beheer/netwerk); one that has none
uses the seed network's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chalicelib.core import tenancy

DEFAULT_THEMES = (
    "polarisatie",
    "radicalisering",
    "extremisme",
    "online aangejaagde ordeverstoring",
    "statelijke dreigingen",
)


def themes() -> tuple[str, ...]:
    """The current network's themes, in its order."""
    return tenancy.current().themes or DEFAULT_THEMES


def chosen(form: Mapping[str, str]) -> tuple[str, ...]:
    """The themes ticked in a form (one box `theme_{n}` per theme), in the network's order."""
    return tuple(theme for i, theme in enumerate(themes()) if form.get(f"theme_{i}") == "yes")


def boxes(tagged: Iterable[str]) -> dict[str, str]:
    """Themes as a form holds them: the inverse of `chosen`."""
    kept = set(tagged)
    return {f"theme_{i}": "yes" for i, theme in enumerate(themes()) if theme in kept}
