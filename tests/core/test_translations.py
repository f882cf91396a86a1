"""Every visible text goes through gettext, and the English catalog is complete."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tests.support.aws import ROOT


def test_english_catalog_translates_every_msgid(tmp_path: Path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "-o", str(pot), "."], cwd=ROOT, check=True, capture_output=True
    )
    with pot.open("rb") as extracted_file:
        extracted = {m.id for m in read_po(extracted_file) if m.id}
    with (ROOT / "locale" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = {m.id: m for m in read_po(po) if m.id}

    missing = extracted - set(catalog)
    assert not missing, f"run `make messages` and translate: {sorted(missing)}"
    untranslated = [
        m.id
        for m in catalog.values()
        if m.id in extracted and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated


# names that read the same in both languages: the other language's own name, products, units
UNTRANSLATED = {"English", "Nederlands", "PDF", "PowerPoint", "pptx", "Word", "docx", "kB"}


def test_templates_have_no_bare_text_outside_gettext():
    """A crude guard: words between tags that are not in a {{ }}, {% %} or trans block."""
    tags = re.compile(r"\{% trans %\}.*?\{% endtrans %\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>", re.S)
    for template in (ROOT / "templates").rglob("*.html"):
        leftover = tags.sub(" ", template.read_text())
        words = [w for w in re.findall(r"[A-Za-zÀ-ÿ]{2,}", leftover) if w not in UNTRANSLATED]
        assert not words, f"{template.name}: {words[:5]}"
