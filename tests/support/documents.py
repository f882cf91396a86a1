"""Real files for tests: PDFs that pypdf reads, and the zip containers of docx, pptx and odp."""

from __future__ import annotations

import io
import zipfile
import zlib

from chalicelib.library.model import FILE_TYPES
from devtools.documents import pdf as pdf
from devtools.documents import pdf_of  # kept importable from here, where the tests take it


def zipped(entries: dict[str, bytes], stored: tuple[str, ...] = ()) -> bytes:
    """A zip with its entries in this order; those named in `stored` uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return out.getvalue()


def docx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="urn:ct"/>',
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body/></w:document>',
        }
    )


def pptx() -> bytes:
    return zipped(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="urn:ct"/>',
            "_rels/.rels": b"<Relationships/>",
            "ppt/presentation.xml": b'<?xml version="1.0"?><p:presentation xmlns:p="urn:p"/>',
            "ppt/slides/slide1.xml": b"<p:sld xmlns:p='urn:p'/>",
        }
    )


def odp() -> bytes:
    return zipped(
        {
            "mimetype": FILE_TYPES["odp"].encode(),
            "content.xml": b'<?xml version="1.0"?><office:document-content xmlns:office="urn:o"/>',
            "META-INF/manifest.xml": b"<manifest:manifest xmlns:manifest='urn:m'/>",
        },
        stored=("mimetype",),
    )


def busy_pdf(lines: int, pages: int = 1) -> bytes:
    """A small PDF that keeps a text reader busy: every page shows one deflated content stream of
    `lines` text operations (each a single letter), within pypdf's own parsing limit per stream.
    100,000 lines make a 6 kB file that pypdf reads in about 4 s per page here."""
    stream = zlib.compress(b"BT /F1 1 Tf (a) Tj ET\n" * lines, 9)
    font = b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R %s >>" % font
    kids = b" ".join(b"%d 0 R" % (4 + n) for n in range(pages))
    return pdf_of(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
            *[page] * pages,
        ]
    )


def zip_bomb_docx(unpacked_mb: int = 8) -> bytes:
    """A docx whose parts are all in order, with one more that inflates from a few kB of zeros to
    `unpacked_mb` MB: a packing ratio of about a thousand, where an Office file's parts pack tenfold."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns="urn:ct"/>')
        archive.writestr(
            "word/document.xml", b'<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body/></w:document>'
        )
        with archive.open("word/media/image1.bin", "w") as part:
            for _ in range(unpacked_mb):
                part.write(bytes(2**20))
    return out.getvalue()
