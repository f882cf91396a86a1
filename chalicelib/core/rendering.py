"""One Jinja2 environment per language, autoescaping HTML, translating through gettext.

Templates live in the top-level templates/ folder. The Lambda package carries
them compiled into Python modules instead (compiled_templates/ at its root,
made by devtools/lean_package.py), so a cold start compiles no template.
"""

from __future__ import annotations

from collections import ChainMap
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, FileSystemLoader, ModuleLoader, StrictUndefined, select_autoescape

from chalicelib.core import richtext, vocabulary
from chalicelib.core.i18n import format_date, format_moment, format_size, translations

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
COMPILED_TEMPLATES_DIR = TEMPLATES_DIR.parent / "compiled_templates"


def _loader() -> BaseLoader:
    if COMPILED_TEMPLATES_DIR.is_dir():
        return ModuleLoader(COMPILED_TEMPLATES_DIR)
    return FileSystemLoader(TEMPLATES_DIR)


@cache
def environment(language: str) -> Environment:
    env = Environment(
        loader=_loader(),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    catalog = translations(language)
    env.globals.update(
        lang=language,
        format_date=partial(format_date, language=language),
        format_moment=partial(format_moment, language=language),
        file_size=partial(format_size, language=language),
        markdown=richtext.render,  # organisers' Markdown, sanitised
        sanitised=richtext.sanitised,  # their Markdown as rendered when saved, cleaned again
        paragraphs=richtext.paragraphs,  # organisers' plain text
        label=lambda value: catalog.gettext(vocabulary.label_of(value)),  # how an enum's value reads
    )
    # the enums templates compare with, as a live view: one registered after this was made is there too
    live: ChainMap[str, Any] = ChainMap(env.globals, vocabulary.ENUMS)
    env.globals = live  # type: ignore[assignment]
    return env


def render(name: str, language: str, **context: object) -> str:
    return environment(language).get_template(name).render(**context)


def gettext(language: str, msgid: str, **params: object) -> str:
    """Translate a msgid outside a template (mail subjects, JSON messages)."""
    text = translations(language).gettext(msgid)
    return text % params if params else text
