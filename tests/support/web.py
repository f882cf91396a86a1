"""A visitor of the Chalice test client, and what a browser does around it: uploads to S3 through a
page's form, exports fetched through their link, and reading the files that come back."""

from __future__ import annotations

import base64
import codecs
import csv
import io
import json
import urllib.parse
import zipfile
from html.parser import HTMLParser
from typing import Any
from xml.etree import ElementTree

import requests
from chalice.test import Client

from chalicelib.accounts import csrf, sessions
from chalicelib.core import aws, config
from tests.support.aws import deliver_exports


class FormSession:
    """A browser-like visitor for the Chalice test client: keeps cookies, posts forms with CSRF."""

    def __init__(self, client: Client, language: str = "nl", host: str = "") -> None:
        self.client = client
        self.secret = csrf.new_secret()
        self.language = language
        self.session = ""  # the session cookie, once signed in
        self.host = host  # the network's host it visits; the client's own (the default network's) if none

    @property
    def headers(self) -> dict[str, str]:
        return {"cookie": self.cookie, **({"host": self.host} if self.host else {})}

    @property
    def cookie(self) -> str:
        session = f"; sessie={self.session}" if self.session else ""
        return f"{csrf.COOKIE}={self.secret}; lang={self.language}{session}"

    def get(self, path: str) -> Any:
        return self.client.http.get(path, headers=self.headers)

    def post(self, path: str, form: dict[str, str], with_token: bool = True) -> Any:
        from urllib.parse import urlencode

        data = dict(form)
        if with_token:
            data[csrf.FIELD] = csrf.token_for(self.secret, sessions.session_id(self.session))
        return self.client.http.post(
            path,
            body=urlencode(data, errors="surrogatepass"),  # a lone surrogate as the bytes a client can send
            headers={"content-type": "application/x-www-form-urlencoded", **self.headers},
        )


class _UploadForm(HTMLParser):
    """The upload form of a page: where it posts, its hidden fields and the keys its choices offer, by label."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.keys: dict[str, str] = {}
        self._option: str | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._inside = found.get("id") == "upload-form"
            self.action = found.get("action", "") if self._inside else self.action
        elif self._inside and tag == "input" and found.get("type") == "hidden":
            self.fields[found["name"]] = found.get("value", "")
        elif self._inside and tag == "option":
            self._option = found["value"]

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self.keys[data.strip()] = self._option
            self._option = None

    def handle_endtag(self, tag: str) -> None:
        self._inside = self._inside and tag != "form"


def upload_through_page(
    page: str, content: bytes, filename: str = "Mijn dia's.pdf", choice: str = "", content_type: str = ""
) -> str:
    """Store in S3 what a browser sends with the page's upload form, and return the key.

    `choice` is part of an option's label (a slot, an event); without, the form's only or first
    key. moto does not hold a POST to its policy, so this does: the key must start with the signed
    prefix and the type be the signed one (unless `content_type` plays a browser that lies)."""
    form = _UploadForm()
    form.feed(page)
    key = form.fields.get("key") or next(k for label, k in form.keys.items() if choice in label)
    conditions = json.loads(base64.b64decode(form.fields["policy"]))["conditions"]
    [prefix] = [c[2] for c in conditions if isinstance(c, list) and c[:2] == ["starts-with", "$key"]]
    assert key.startswith(prefix), (key, prefix)
    assert {"Content-Type": form.fields["Content-Type"]} in conditions
    aws.s3().put_object(
        Bucket=config.bucket_name(),
        Key=key,
        Body=content,
        ContentType=content_type or form.fields["Content-Type"],
        Metadata={"filename": urllib.parse.quote(filename)},  # percent-encoded, as upload.js sends it
    )
    return key


def post_to_s3(page: str, content: bytes, filename: str) -> str:
    """POST a file with the page's upload form over HTTP, as a browser without JavaScript does, and stop
    there: S3's redirect back to the portal is never followed. The key it went to (the form's first)."""
    form = _UploadForm()
    form.feed(page)
    key = form.fields.get("key") or next(iter(form.keys.values()))
    fields = {**form.fields, "key": key, "x-amz-meta-filename": urllib.parse.quote(filename)}
    answer = requests.post(
        form.action, data=fields, files={"file": (filename, content)}, allow_redirects=False, timeout=30
    )
    assert answer.status_code in (201, 303), answer.text  # S3 took it (303: it would send the browser back)
    return key


def download_export(session: FormSession, start: str, file_format: str = "csv") -> requests.Response:
    """Ask for an export as an organiser does (a POST to `start` with the button for `file_format`), run
    the export worker, and fetch the file through the page's link, which sends the browser on to S3."""
    started = session.post(start, {"formaat": file_format})
    assert started.status_code == 303, started.body
    page = started.headers["Location"]
    assert page.startswith("/beheer/exports/")
    deliver_exports()
    link = session.get(page + "/bestand")
    assert link.status_code == 303, link.body
    return requests.get(link.headers["Location"], timeout=10)


def xlsx_rows(response: requests.Response) -> tuple[str, list[list[str]], str]:
    """An Excel workbook's one sheet: its name, its rows as text, and the sheet's XML (to look for formulas).
    Cells hold shared strings or inline ones (what XlsxWriter writes in its constant-memory mode)."""
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

    def text(node: ElementTree.Element) -> str:
        return "".join(t.text or "" for t in node.iter(f"{main}t"))

    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        names = set(book.namelist())
        # the portal's own output, read in a test: no untrusted XML
        parse = ElementTree.fromstring
        shared = (
            [text(si) for si in parse(book.read("xl/sharedStrings.xml"))] if "xl/sharedStrings.xml" in names else []
        )
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode()
        [sheet] = list(parse(book.read("xl/workbook.xml")).iter(f"{main}sheet"))
    rows = [
        [shared[int(c.findtext(f"{main}v", ""))] if c.get("t") == "s" else text(c) for c in row.iter(f"{main}c")]
        for row in parse(sheet_xml).iter(f"{main}row")
    ]
    return sheet.get("name", ""), rows, sheet_xml


def csv_rows(response: requests.Response) -> list[list[str]]:
    """The CSV as Excel with Dutch settings reads it: UTF-8 behind a byte order mark, cells split at semicolons."""
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
