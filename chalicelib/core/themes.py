"""The network's themes: events and materials are tagged with them, members follow them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

THEMES = ("polarisatie", "radicalisering", "extremisme", "online aangejaagde ordeverstoring", "statelijke dreigingen")


def chosen(form: Mapping[str, str]) -> tuple[str, ...]:
    """The themes ticked in a form (one box `theme_{n}` per theme), in the network's order."""
    return tuple(theme for i, theme in enumerate(THEMES) if form.get(f"theme_{i}") == "yes")


def boxes(themes: Iterable[str]) -> dict[str, str]:
    """Themes as a form holds them: the inverse of `chosen`."""
    kept = set(themes)
    return {f"theme_{i}": "yes" for i, theme in enumerate(THEMES) if theme in kept}
