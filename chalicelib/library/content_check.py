"""Whether an uploaded file is what its type says, before it becomes material.

A name or a declared type says nothing, and browsers guess types from content, so the type is read
from the content (`detect`) and then the whole file is held to it (`fits`). A PDF must start
with `%PDF-`, hold nothing a browser would take for HTML in its first kilobytes, end as a PDF does
and open in pypdf within a bounded number of reads. A docx, pptx or odp must be a zip whose central
directory names the parts its type requires; only those parts are read, and only their first
kilobytes: nothing is extracted. A zip bomb, whose directory declares far more unpacked bytes than
an Office file holds, is refused (`is_zip_bomb`), by the same limits that the text's reading keeps.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from typing import IO, Any, cast

from chalicelib.library.model import FILE_TYPES, FileType

_ZIP = b"PK\x03\x04"
_OOXML_FOLDER = {"pptx": b"ppt/", "docx": b"word/"}
# the parts a container of each type cannot do without (an odp's `mimetype` is checked on its own)
_REQUIRED_PARTS = {
    FileType.DOCX: ("[Content_Types].xml", "word/document.xml"),
    FileType.PPTX: ("[Content_Types].xml", "ppt/presentation.xml"),
    FileType.ODP: ("content.xml",),
}
# a real presentation has hundreds of parts; zipfile holds the whole central directory in memory, and
# 50 MB of empty entries would take more than the function's 512 MB
_MAX_PARTS = 10_000
# A zip bomb is a small file that unpacks to far more. A real Office file unpacks to a few times its
# size (XML packs about tenfold, pictures not at all): these refuse what no presentation or report needs.
UNPACKED_LIMIT_MB = 500  # all entries together, as the zip's directory declares them
PACKING_RATIO_LIMIT = 100  # an entry of over a MiB unpacked that is packed tighter than this
_RATIO_FROM = 2**20  # below this, a tight packing (an empty or repetitive part) costs nothing
# read of each required part: enough to see it inflate to XML, too little for a zip bomb to matter
_PART_BYTES = 64 * 1024
# Browsers that guess a type look at the first bytes only: 1,445 in the WHATWG sniffing standard
# (at the very start), 256 anywhere in old Internet Explorer. Checked with a wide margin.
_SNIFF_BYTES = 4096
# Where PDF readers look for the end marker (the last 1,024 bytes): a line that starts with it, or the last
# line. Without one, pypdf searches the whole file backwards line by line, for longer than the function may run.
_PDF_END = re.compile(rb"[\r\n]%%EOF|%%EOF\s*\Z")
# pypdf's reads and seeks in one file. Repairing a damaged file, pypdf visits it object by object: a
# hostile file of the upload limit kept it busy for 24 seconds on a fast core, past the function's timeout,
# and a function stopped for its timeout deletes nothing. This many take about 2 seconds there. A 6 MB
# manual of 720 pages (5,700 objects) needs 235,000; slides, mostly pictures, fewer per MB.
_PDF_STEPS = 1_000_000
# the start of an HTML document, or of an element that runs script or is sniffed as HTML; none of
# these can be PDF syntax (a PDF hex string <...> holds only hex digits and spaces)
_HTML = re.compile(
    rb"<(?:!doctype|!--|html|head|body|script|iframe|frameset|object|embed|svg|img|style|title|meta|base"
    rb"|form|table|div|font|pre|plaintext|h1|br|p[\s>]|a\s+href)",
    re.IGNORECASE,
)


def looks_like(extension: str, head: bytes, tail: bytes) -> bool:
    """The quick test of a file's signature in its first bytes and, for a zip, the end (where its directory is)."""
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "odp":
        # ODF keeps an uncompressed 'mimetype' entry first, holding the exact type
        return head.startswith(_ZIP) and head[30:38] == b"mimetype" and FILE_TYPES["odp"].encode() in head[38:120]
    return head.startswith(_ZIP) and _OOXML_FOLDER[extension] in tail


def detect(file: IO[bytes]) -> FileType | None:
    """The accepted type whose signature the file carries, if any; `fits` then tells whether it is whole."""
    head, tail = _ends(file)
    return next((file_type for file_type in FileType if looks_like(file_type, head, tail)), None)


def _ends(file: IO[bytes]) -> tuple[bytes, bytes]:
    """The file's first bytes (where a browser sniffs) and its last 64 kB (where a zip keeps its directory)."""
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0, 2)
    file.seek(max(0, file.tell() - 65_536))
    return head, file.read()


def fits(extension: str, file: IO[bytes]) -> bool:
    """Whether a file's content is what its type says (see the module's docstring)."""
    head, tail = _ends(file)
    if not looks_like(extension, head, tail):
        return False
    file.seek(0)
    if extension == FileType.PDF:
        return _HTML.search(head) is None and _pdf_opens(file)
    return _zip_holds(extension, file)


def _pdf_opens(file: IO[bytes]) -> bool:
    """pypdf reads the cross-reference table and walks the page tree: a PDF with no page is none."""
    file.seek(0, 2)
    file.seek(max(0, file.tell() - 1024))
    if not _PDF_END.search(file.read()):
        return False
    file.seek(0)
    from pypdf import PdfReader  # imported here: its cost is paid on a PDF's arrival, not at every cold start

    metered = cast(IO[bytes], _Metered(file, _PDF_STEPS))  # a raw binary file; typeshed keeps the two types apart
    try:
        return len(PdfReader(metered, strict=False).pages) > 0
    except (Exception, _StepsSpent):  # a parser of hostile bytes raises more kinds than it documents; all mean no
        return False


class _StepsSpent(BaseException):
    """No Exception, so that pypdf's own `except Exception` (its repairs) cannot swallow it and go on."""


class _Metered(io.RawIOBase):
    """A file that allows so many reads and seeks, then raises _StepsSpent: a bound on a parser's work."""

    def __init__(self, file: IO[bytes], steps: int) -> None:
        super().__init__()
        self._file, self._left = file, steps

    def _step(self) -> None:
        self._left -= 1
        if self._left < 0:
            raise _StepsSpent()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._step()
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        self._step()
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()


def _zip_holds(extension: str, file: IO[bytes]) -> bool:
    """A readable central directory naming the required parts, each inflating to XML; an odp's
    `mimetype` the first entry in the file, stored, holding exactly its type."""
    if _announced_entries(file) > _MAX_PARTS:
        return False
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            if extension == FileType.ODP and not _odf_mimetype(archive):
                return False
            names = set(archive.namelist())
            return all(part in names and _is_xml(archive, part) for part in _REQUIRED_PARTS[FileType(extension)])
    except Exception:  # zipfile and zlib raise more kinds than they document on hostile bytes; any of them is a no
        return False


def _announced_entries(file: IO[bytes]) -> int:
    """The entry count in the zip's end record (0 without one), read before zipfile loads the directory.
    A zip64 archive announces 65535 here: no real Office file needs one."""
    file.seek(0, 2)
    file.seek(max(0, file.tell() - 65_557))  # the 22-byte end record after a comment of at most 65,535 bytes
    tail = file.read()
    at = tail.rfind(b"PK\x05\x06")
    return int.from_bytes(tail[at + 10 : at + 12], "little") if 0 <= at <= len(tail) - 22 else 0


def _odf_mimetype(archive: zipfile.ZipFile) -> bool:
    expected = FILE_TYPES[FileType.ODP].encode()
    info = archive.getinfo("mimetype")
    if info.header_offset != 0 or info.compress_type != zipfile.ZIP_STORED or info.file_size != len(expected):
        return False
    return archive.read(info) == expected


def _is_xml(archive: zipfile.ZipFile, part: str) -> bool:
    """The first kilobytes of a part inflate to XML. A part no longer than that is read to its end,
    where zipfile compares its checksum."""
    with archive.open(part) as stream:
        start = stream.read(_PART_BYTES)
    return start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def unpacks_too_far(entries: Iterable[zipfile.ZipInfo]) -> bool:
    """Whether a zip's directory declares more than UNPACKED_LIMIT_MB unpacked, or an entry packed
    tighter than PACKING_RATIO_LIMIT. The declared sizes are what counts: zipfile never inflates an
    entry past its declared size (more data fails the entry's checksum), so understating them gains nothing."""
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > _RATIO_FROM and entry.file_size > PACKING_RATIO_LIMIT * max(entry.compress_size, 1):
            return True
    return total > UNPACKED_LIMIT_MB * 2**20


def is_zip_bomb(file: IO[bytes]) -> bool:
    """Whether a zip-based file would unpack too far (`unpacks_too_far`); reads its directory only. A
    file that is no readable zip is no bomb: `fits` refuses it for what it is."""
    if _announced_entries(file) > _MAX_PARTS:
        return False
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return unpacks_too_far(archive.infolist())
    except Exception:  # zipfile raises more kinds than it documents on hostile bytes
        return False
