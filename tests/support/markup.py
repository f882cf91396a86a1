"""The Nu HTML Checker (the W3C's validator) over many pages at once.

vnu.jar comes from the npm registry's `vnu-jar`, at the version pinned in devtools/vnu/package-lock.json;
`make test` installs it (`make validator`). It runs on Java: one process checks every page, since Java's
start-up costs more than checking a page does.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.aws import ROOT

VNU = ROOT / "devtools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def markup_errors(pages: dict[str, str]) -> list[str]:
    """Each error the checker finds in the pages (name -> HTML as served), as 'name:line: message'."""
    assert VNU.exists(), "the Nu HTML Checker is missing: make test installs it (make validator)"
    with tempfile.TemporaryDirectory() as folder:
        files = []
        for name, html in pages.items():
            path = Path(folder) / f"{name}.html"
            path.write_text(html, encoding="utf-8")
            files.append(str(path))
        checked = subprocess.run(
            ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", "--exit-zero-always", *files],
            check=True,
            capture_output=True,
            text=True,
        )
    found = []
    for message in json.loads(checked.stdout)["messages"]:
        name = Path(urlsplit(message.get("url", "")).path).stem  # the page type the file was named after
        found.append(f"{name}:{message.get('lastLine', '?')}: {message['message']}")
    return found
