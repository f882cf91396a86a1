"""One Jinja2 environment per language, autoescaping HTML, translating through gettext.

Templates live in the top-level templates/ folder. The Lambda package carries
them compiled into Python modules instead (compiled_templates/ at its root,
made by devtools/lean_package.py), so a cold start compiles no template.
"""

from __future__ import annotations

from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, Environment, FileSystemLoader, ModuleLoader, StrictUndefined, select_autoescape

from chalicelib.core import richtext
from chalicelib.core.i18n import format_date, format_moment, translations
from chalicelib.vocabulary import (
    ACCESS_LABELS,
    ATTENDANCE_LABELS,
    ENUMS,
    JOB_KIND_LABELS,
    JOB_STATUS_LABELS,
    QUESTION_KIND_LABELS,
    STATUS_LABELS,
    SUPPRESSION_REASON_LABELS,
)

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
        markdown=richtext.render,  # organisers' Markdown, sanitised
        sanitised=richtext.sanitised,  # their Markdown as rendered when saved, cleaned again
        paragraphs=richtext.paragraphs,  # organisers' plain text
        status_label=lambda status: catalog.gettext(STATUS_LABELS.get(status) or status),
        **ENUMS,
        attendance_label=lambda mode: catalog.gettext(ATTENDANCE_LABELS.get(mode) or mode),
        access_label=lambda access: catalog.gettext(ACCESS_LABELS.get(access) or access),
        job_kind_label=lambda kind: catalog.gettext(JOB_KIND_LABELS.get(kind) or kind),
        question_kind_label=lambda kind: catalog.gettext(QUESTION_KIND_LABELS.get(kind) or kind),
        job_status_label=lambda status: catalog.gettext(JOB_STATUS_LABELS.get(status) or status),
        suppression_reason_label=lambda reason: catalog.gettext(SUPPRESSION_REASON_LABELS.get(reason) or reason),
    )
    return env


def render(name: str, language: str, **context: Any) -> str:
    return environment(language).get_template(name).render(**context)


def gettext(language: str, msgid: str, **params: Any) -> str:
    """Translate a msgid outside a template (mail subjects, JSON messages)."""
    text = translations(language).gettext(msgid)
    return text % params if params else text
