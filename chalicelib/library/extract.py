"""The text inside a material's file, for the search index, read within a budget that holds whatever
the file does: PDF with pypdf; pptx, docx and odp by reading their XML with the standard library.

No parser of hostile bytes can be trusted to finish (pypdf keeps receiving advisories about endless
loops and long runs on small files), so the reading runs in a child process of its own, forked, and
is killed once over its time (EXTRACT_SECONDS); the text it sent until then is kept. The child
sends its text through a Pipe: Lambda has no /dev/shm, which multiprocessing's Queue and Pool need.
Inside the child, cheap limits stop early what would only spend that time: characters kept, pages,
the parsing work of one content stream, decompressed stream size, memory, and what a zip unpacks
to. Each early stop gives its reason (`TextProblem`), which the material keeps. Run by the
extraction worker, once per file version, never on a page view.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import resource
import time
import zipfile
from dataclasses import dataclass
from multiprocessing.connection import Connection
from xml.etree import ElementTree

from chalicelib.core import config
from chalicelib.library import content_check
from chalicelib.library.model import FileType, TextProblem

# enough for any presentation or report; a longer text is cut here so the index stays small
TEXT_LIMIT = 200_000
PAGE_LIMIT = 2_000  # pages of a PDF read; the rest is left out
# pypdf's parsing work for one content stream (operands, operators, array elements; its default is
# 2,000,000): a dense page of text needs some tens of thousands, a million takes about 4 s here
STREAM_PARSING_LIMIT = 1_000_000
STREAM_BYTES_LIMIT = 20 * 2**20  # one PDF stream inflated (pypdf's default: 75 MB)
PART_LIMIT = 50 * TEXT_LIMIT  # an Office XML part larger than this is left out
MEMORY_LIMIT_MB = 512  # the child's growth beyond what it inherited from the worker
# the parts of an Office file that hold its text, in reading order
_PARTS = {
    FileType.PPTX: re.compile(r"^ppt/(slides/slide|notesSlides/notesSlide)(\d+)\.xml$"),
    FileType.DOCX: re.compile(r"^word/(document|footnotes|endnotes)()\.xml$"),
    FileType.ODP: re.compile(r"^(content)()\.xml$"),
}
_TEXT, _END = "text", "end"  # the child's two kinds of message


@dataclass(frozen=True)
class Extracted:
    """A file's readable text, whitespace collapsed, and why its reading stopped early (None: it did not)."""

    text: str
    problem: TextProblem | None = None


def text_of(content: bytes, file_type: FileType, seconds: float | None = None) -> Extracted:
    """The readable text of a file, at most TEXT_LIMIT characters, read in a child process that is
    killed after `seconds` (EXTRACT_SECONDS when not given)."""
    budget = config.extract_seconds() if seconds is None else seconds
    import pypdf  # noqa: F401  (imported before the fork, so that no child pays for it)

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_read, args=(content, file_type, sender), daemon=True)
    child.start()
    sender.close()  # the child's end is the child's: when it is gone, the parent reads the pipe's end
    try:
        texts, problem = _receive(receiver, time.monotonic() + budget)
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receiver.close()
    text = " ".join("\n".join(texts).split())
    return Extracted(text[:TEXT_LIMIT], problem)


def _receive(receiver: Connection, deadline: float) -> tuple[list[str], TextProblem | None]:
    """What the child sends until it ends or the deadline passes."""
    texts: list[str] = []
    try:
        while (left := deadline - time.monotonic()) > 0 and receiver.poll(left):
            kind, value = receiver.recv()
            if kind == _END:
                return texts, TextProblem(value) if value else None
            texts.append(value)
    except EOFError:  # gone without a word: killed for its memory, or crashed
        return texts, TextProblem.UNREADABLE
    return texts, TextProblem.TIME_LIMIT


# -- in the child ----------------------------------------------------------------------------


class _Stop(BaseException):
    """A limit reached: no Exception, so that a parser's own `except Exception` cannot swallow it."""

    def __init__(self, problem: TextProblem) -> None:
        super().__init__(problem)
        self.problem = problem


class _Out:
    """The child's end of the pipe, counting what it sent: past TEXT_LIMIT characters the reading stops."""

    def __init__(self, sender: Connection) -> None:
        self._sender, self._sent = sender, 0
        self.problem: TextProblem | None = None  # a part left out, the reading going on

    def text(self, text: str) -> None:
        self._sender.send((_TEXT, text))
        self._sent += len(text)
        if self._sent > TEXT_LIMIT:
            raise _Stop(TextProblem.TOO_LONG)

    def end(self, problem: TextProblem | None) -> None:
        self._sender.send((_END, problem or ""))


def _read(content: bytes, file_type: FileType, sender: Connection) -> None:
    """The child's work: send the text part by part, then the end with its reason, if any."""
    _limit_memory()
    out = _Out(sender)
    try:
        _pdf(content, out) if file_type == FileType.PDF else _office(content, file_type, out)
        problem = out.problem
    except _Stop as stop:
        problem = stop.problem
    except MemoryError:
        problem = TextProblem.TOO_LARGE
    except Exception as error:  # a parser of hostile bytes raises more kinds than it documents
        problem = TextProblem.TOO_COMPLEX if type(error).__name__ == "LimitReachedError" else TextProblem.UNREADABLE
    out.end(problem)


def _limit_memory() -> None:
    """Let the child grow by MEMORY_LIMIT_MB beyond what it inherited; past that an allocation raises
    MemoryError. Without /proc (not Linux) the time limit alone holds."""
    try:
        with open("/proc/self/statm") as statm:
            inherited = int(statm.read().split()[0]) * resource.getpagesize()
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = inherited + MEMORY_LIMIT_MB * 2**20
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        return


def _pdf(content: bytes, out: _Out) -> None:
    import pypdf

    pypdf.overwrite_configuration(
        stream_parsing_work_maximum_count=STREAM_PARSING_LIMIT, zlib_maximum_output_length=STREAM_BYTES_LIMIT
    )
    for number, page in enumerate(pypdf.PdfReader(io.BytesIO(content)).pages):
        if number == PAGE_LIMIT:
            raise _Stop(TextProblem.TOO_LONG)
        out.text(page.extract_text() or "")


def _office(content: bytes, file_type: FileType, out: _Out) -> None:
    """Every text node of the parts that hold the text, part by part (notes, then slides, by number)."""
    pattern = _PARTS[file_type]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if content_check.unpacks_too_far(archive.infolist()):
            raise _Stop(TextProblem.TOO_LARGE)
        parts = sorted(
            (match.group(1), int(match.group(2) or 0), name)
            for name in archive.namelist()
            if (match := pattern.match(name))
        )
        for _kind, _number, name in parts:
            if archive.getinfo(name).file_size > PART_LIMIT:
                out.problem = TextProblem.TOO_LARGE
                continue
            with archive.open(name) as part:
                root = ElementTree.parse(part).getroot()  # noqa: S314 (ElementTree expands no external entities)
            out.text(" ".join(t.strip() for t in root.itertext() if t.strip()))
