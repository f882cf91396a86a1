"""The first-bytes check on real files of each allowed type (no AWS)."""

from __future__ import annotations

import io
import zipfile

import pytest

from chalicelib.library.content_check import looks_like
from chalicelib.library.files import clean_filename
from chalicelib.library.model import FILE_TYPES


def zipped(entries: dict[str, bytes], stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in entries.items():
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


FILES = {
    "pdf": b"%PDF-1.7\n%%EOF\n",
    "pptx": zipped({"[Content_Types].xml": b"<x/>", "ppt/presentation.xml": b"<p/>"}),
    "docx": zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"}),
    "odp": zipped({"mimetype": FILE_TYPES["odp"].encode(), "content.xml": b"<o/>"}, stored_first="mimetype"),
}


@pytest.mark.parametrize("declared", list(FILES))
@pytest.mark.parametrize("actual", list(FILES))
def test_each_type_is_recognised_and_only_as_itself(declared, actual):
    content = FILES[actual]
    assert looks_like(declared, content[:256], content[-65536:]) is (declared == actual)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mijn dia's.pdf", "Mijn-dia-s.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ('C:\\Users\\x\\"quote".pdf', "quote.pdf"),
        ("überstürzt ÉÉN.PDF", "ubersturzt-EEN.pdf"),
        ("", "bestand.pdf"),
        ("a" * 300 + ".pdf", "a" * 80 + ".pdf"),
    ],
)
def test_file_names_are_cleaned_for_headers_and_disks(name, expected):
    assert clean_filename(name, "pdf") == expected
