"""The network's themes: events and materials are tagged with them."""

from __future__ import annotations

THEMES = ("polarisatie", "radicalisering", "extremisme", "online aangejaagde ordeverstoring", "statelijke dreigingen")
