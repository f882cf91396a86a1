"""`make run`'s second network, "haaglanden": its own name, logo, colours, meeting, news and a material, at
http://haaglanden.localhost:8000, so that a newcomer sees at once that networks share nothing.

    python -m devtools.demo_network   (with the local stage's environment, as manage.py runs)

Run again, it changes nothing: the network is made once, and its content only with it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from chalicelib.accounts.service import ensure_organiser
from chalicelib.core import tenancy
from chalicelib.events.importer import load
from chalicelib.library.service import add_document
from chalicelib.networks import logo
from chalicelib.networks import service as networks
from chalicelib.news.service import write
from devtools.documents import pdf
from devtools.stage import use_stage

NAME = "haaglanden"
EVENTS = Path(__file__).resolve().parent.parent / "demo" / NAME / "events.yaml"
LOGO = EVENTS.with_name("logo.png")  # a sun over the sea, in the network's petrol
ORGANISER = "organisator@haaglanden.example"
SETTINGS = {
    "title_nl": "Kennisnetwerk polarisatie Haaglanden",
    "title_en": "Haaglanden knowledge network on polarisation",
    "description_nl": "Gemeenten, politie en OM in Haaglanden over polarisatie en online spanningen.",
    "description_en": "Municipalities, police and prosecution in Haaglanden on polarisation and online tensions.",
    "sender": "netwerk@portal.example",  # the local SES identity; a deployment verifies one per network
    "contact": "haaglanden@portal.example",
    "security_contact": "mailto:beveiliging@portal.example",
    "palette": "petrol",
}


def main() -> None:
    if NAME in {n.name for n in networks.all_networks()}:
        print(f"network {NAME} exists")
        return
    network = networks.create(NAME, SETTINGS, "make run (demo)")
    with tenancy.within(network):
        logo.use(LOGO.read_bytes(), "make run (demo)")
        load(yaml.safe_load(EVENTS.read_text(encoding="utf-8")))
        organiser = ensure_organiser(ORGANISER, "Organisator Haaglanden")
        write(
            organiser,
            {
                "title": "Nieuwe kennissessie over online polarisatie",
                "body": "Op 11 oktober komen we samen in het stadhuis van Den Haag. Meld u aan via de agenda.",
            },
        )
        add_document(
            pdf("Handreiking online spanningen in de wijk"),
            "handreiking-online-spanningen.pdf",
            "Handreiking online spanningen in de wijk",
            "public",
            ("polarisatie", "online aangejaagde ordeverstoring"),
            "",
            "Een korte handreiking voor wijkprofessionals in Haaglanden.",
        )
    print(f"network {NAME} at {network.base_url}; organiser {ORGANISER} (sign in there)")


if __name__ == "__main__":
    use_stage("local")
    main()
