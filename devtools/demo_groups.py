"""`make run`'s working group in the default network: the seed's drivergroep, with two members (one
of them its lead), a meeting only the group sees and a draft document, so that `manage.py add-to-group --email …
--group drivergroep` works on a fresh `make run`.

    python -m devtools.demo_groups   (with the local stage's environment, as manage.py runs)

Run again, it changes nothing: the group is made once, and its content only with it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from chalicelib.accounts import groups
from chalicelib.events.importer import load
from chalicelib.library.group_documents import add_by_command
from devtools.documents import pdf
from devtools.stage import default_network, use_stage

NAME = "drivergroep"
EVENTS = Path(__file__).resolve().parent.parent / "demo" / NAME / "events.yaml"
LEAD = "sanne.bakker@zwijndrecht.nl"
# (address, name, organisation, lead)
MEMBERS = (
    (LEAD, "Sanne Bakker", "Gemeente Zwijndrecht", True),
    ("ahmed.elamrani@politie.nl", "Ahmed el Amrani", "Politie eenheid Rotterdam", False),
)


def main() -> None:
    if groups.exists(NAME):
        print(f"group {NAME} exists")
        return
    groups.create(
        "make run (demo)",
        {
            "name": NAME,
            "title": "Drivergroep",
            "description": (
                "Gemeenten die voorop lopen, met de politie en het OM: ontwikkelt een regionaal format voor "
                "een allesomvattende aanpak en bereidt de netwerkbijeenkomsten voor."
            ),
        },
    )
    for email, person, organisation, lead in MEMBERS:
        groups.add_by_command(NAME, email, person, lead, organisation)
    load(yaml.safe_load(EVENTS.read_text(encoding="utf-8")))
    add_by_command(
        NAME, "Concept-jaarplan regionaal netwerk", pdf("Concept-jaarplan regionaal netwerk"), "jaarplan.pdf", LEAD
    )
    print(f"group {NAME} at /groepen/{NAME}; members {', '.join(m[0] for m in MEMBERS)}")


if __name__ == "__main__":
    use_stage("local")
    with default_network():
        main()
