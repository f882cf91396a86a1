"""A real file for the library without a file on disk: shared by the tests and devtools/long_data.py."""

from __future__ import annotations

import io


def pdf(*pages: str, comment: bytes = b"") -> bytes:
    """A small PDF that pypdf reads: one page per text, `comment` as a comment line after the header,
    its cross-reference table computed."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 712 Td ({text}) Tj ET".encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(len(objects) + 1)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R"
            b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
            % (len(objects),)
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    return pdf_of(objects, comment)


def pdf_of(objects: list[bytes], comment: bytes = b"") -> bytes:
    """A PDF of these objects (the first the catalog), `comment` as a comment line after the header,
    its cross-reference table computed."""
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n" + (b"%" + comment + b"\n" if comment else b""))
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()
