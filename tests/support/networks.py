"""A second network beside the default one, and a network's settings form, as the network tests make them."""

from __future__ import annotations

from chalicelib.core import tenancy
from chalicelib.networks import service as networks

A_HOST, B_HOST = "127.0.0.1:8000", "haaglanden.localhost:8000"  # the default network's host, and B's


def make_b(**overrides: str | int) -> tenancy.Network:
    """Network B, "haaglanden", at B_HOST: its own name, colour and contact."""
    settings = {
        "title_nl": "Netwerk Haaglanden",
        "title_en": "Haaglanden network",
        "sender": "netwerk@portal.example",
        "contact": "haaglanden@portal.example",
        "palette": "petrol",
        **overrides,
    }
    networks.create("haaglanden", settings, "test")
    return networks.named("haaglanden")


def settings_form(**overrides: str) -> dict[str, str]:
    """The settings page's form, every field filled in, as an organiser of a network sends it."""
    return {
        "title_nl": "Netwerk Zuid-Holland Zuid",
        "title_en": "South Holland South network",
        "contact": "netwerk@zhz.example",
        "security_contact": "mailto:security@zhz.example",
        "palette": "bordeaux",
        "retention_days": "60",
        "themes": "polarisatie",
        **overrides,
    }
