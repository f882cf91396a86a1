"""The text inside a material's file, for the search index: PDF with pypdf; pptx, docx and odp by
reading their XML with the standard library. Run by the index worker, once per file, never on a
page view. A file that cannot be read gives no text: it is still found by its title and description.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from xml.etree import ElementTree

from chalicelib.library.model import FileType

log = logging.getLogger(__name__)

# enough for any presentation or report; a larger text is cut here so the index stays small
TEXT_LIMIT = 200_000
# the parts of an Office file that hold its text, in reading order
_PARTS = {
    FileType.PPTX: re.compile(r"^ppt/(slides/slide|notesSlides/notesSlide)(\d+)\.xml$"),
    FileType.DOCX: re.compile(r"^word/(document|footnotes|endnotes)()\.xml$"),
    FileType.ODP: re.compile(r"^(content)()\.xml$"),
}


def text_of(content: bytes, file_type: FileType) -> str:
    """The readable text of a file, with whitespace collapsed, at most TEXT_LIMIT characters."""
    try:
        raw = _pdf_text(content) if file_type == FileType.PDF else _xml_text(content, file_type)
    except Exception as error:
        log.warning("no text from a %s file: %s", file_type, type(error).__name__)
        return ""
    return " ".join(raw.split())[:TEXT_LIMIT]


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader  # imported here: only the index worker and an upload's check read PDFs

    reader = PdfReader(io.BytesIO(content))
    texts: list[str] = []
    for page in reader.pages:
        texts.append(page.extract_text() or "")
        if sum(map(len, texts)) > TEXT_LIMIT:
            break
    return "\n".join(texts)


def _xml_text(content: bytes, file_type: FileType) -> str:
    """Every text node of the parts that hold the text, part by part (notes, then slides, by number)."""
    pattern = _PARTS[file_type]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = sorted(
            (match.group(1), int(match.group(2) or 0), name)
            for name in archive.namelist()
            if (match := pattern.match(name))
        )
        texts: list[str] = []
        for _kind, _number, name in parts:
            if archive.getinfo(name).file_size > 50 * TEXT_LIMIT:  # a zip bomb or a huge part: skip it
                continue
            with archive.open(name) as part:
                root = ElementTree.parse(part).getroot()  # noqa: S314 (ElementTree expands no external entities)
            texts.append(" ".join(t.strip() for t in root.itertext() if t.strip()))
    return "\n".join(texts)
