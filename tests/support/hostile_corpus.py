"""A shared corpus of hostile input: strings a visitor, a mail client or a script can put into any
path segment, query value, form field, JSON field, header or cookie.

Built from categories, one comment per category. `corpus()` lists it once, in a fixed order
(duplicates across categories dropped), so that a fuzz run is the same run every time.
Markup payloads name `alert(` or `evil.example`, which no template contains, so that finding one
unescaped in a page is never a false alarm.
"""

from __future__ import annotations

MB = 1024 * 1024

# Empty values and white space a browser can send but a person does not see.
WHITESPACE = ["", " ", "\t", "\n", "\r\n", " padded ", "\u00a0", "\u3000", "x\u200by\ufeff"]

# Every ASCII control character (C0 and DEL), four to a word; NUL has its own category below.
_CONTROL_CODES = [*range(1, 32), 127]
CONTROL = ["ctl" + "".join(map(chr, _CONTROL_CODES[i : i + 4])) + "ctl" for i in range(0, 32, 4)]

# NUL, raw and percent-encoded, in front of markup and file names.
NUL = ["\x00", "a\x00b", "%00", "\x00<script>alert('nul')</script>", "verslag.pdf\x00.exe"]

# C1 controls, line and paragraph separators, non-characters, replacement characters, emoji,
# combining marks: text that passes `str.isprintable()` checks differently than expected.
UNICODE_SPECIALS = [
    "\x85",
    "line\u2028break",
    "para\u2029break",
    "\ufffd",
    "\uffff",
    "\U0001f600",
    "e\u0301",
    "Z\u0351\u0352\u0353\u0354\u0355",
    "\U000e0041",  # a tag character
]

# Unicode digits: `str.isdigit()` says yes, `int()` says no (or says something else).
UNICODE_DIGITS = [
    "²",
    "³³³³",
    "١٢٣",  # Arabic-Indic
    "۱۲۳",  # Extended Arabic-Indic
    "१२३",  # Devanagari
    "１２３",  # fullwidth
    "𝟙𝟚𝟛",  # mathematical
    "Ⅻ",
    "½",
    "2027-0３-18",
    "１3:15",
    "௧௦",  # Tamil
]

# Numbers that are valid somewhere and wrong everywhere else.
NUMBERS = [
    "-1",
    "0",
    "+1",
    "1e309",
    "3.5",
    "1_000",
    "NaN",
    "9" * 400,
    "00000000000000000001",
    "99999999999999999999",
]

# Right-to-left text and bidirectional controls that disguise what is shown.
BIDI = [
    "\u200f",
    "\u202e",
    "abc\u202edcba",
    "\u2066isolate\u2069",
    "gebruiker\u202egnp.exe",
    "مرحبا بالعالم",
    "שלום עולם",
]

# Lone UTF-16 surrogates: a str can hold them (JSON's "\ud800" escape makes one), UTF-8 cannot encode
# them, so they break whatever encodes the text later (a key, a hash, a header, a mail); and their bytes
# as a client can send them, percent-encoded.
SURROGATES = ["\ud800", "a\udfffb", "\udc80abc", "Fatima\ud83d", "\ud83d\ude00\ud800", "%ED%A0%80", "%uD800"]

# Unicode whose case mapping or normalisation changes its length or meaning.
NORMALISATION = ["ﬁle", "\u212a", "straße", "\u0130stanbul", "ﬀ" * 50]

# Long strings: just over field limits, over the form limit (64 KB), and two of 1 MB.
LONG = [
    "a" * 101,
    "a" * 256,
    "a" * 1001,
    "é" * 5000,
    "x" * 65_537,
    "A" * MB,
    "<>&\"'é" * 20_000,  # escaping makes a page of it six times longer
    ("\r\n\x00" + "b" * 61) * (MB // 64),
]

# Percent-encoded slashes, tabs, newlines, overlong and double encodings.
PERCENT = [
    "%2F",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f",
    "%09",
    "%0A",
    "%0D%0A",
    "%",
    "%zz",
    "%C0%AF",
    "%252F",
    "%E2%80%AE",
    "/%09/evil.example",
    "%5Cevil.example",
    "%FF%FE",
]

# Paths, URLs and return paths: traversal, other hosts, schemes, file names the portal serves.
PATHS = [
    "../../etc/passwd",
    "..",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "https://evil.example/",
    "javascript:alert('js')",
    "data:text/html,<script>alert('data')</script>",
    "netwerkbijeenkomst-test.ics",
    "x.ics",
    "portal.css",
    "../static/portal.css",
    "a/b",
    "a;b",
    "?a=b",
    "/" + "a" * 600,
]

# HTML and script markup, in text, attribute and element contexts.
MARKUP = [
    "<script>alert('xss1')</script>",
    '"><script>alert("xss2")</script>',
    "'><img src=x onerror=alert('xss3')>",
    "<svg/onload=alert('xss4')>",
    "</textarea><script>alert('xss5')</script>",
    "</title><script>alert('xss6')</script>",
    "<iframe src=javascript:alert('xss7')>",
    "\" onmouseover=\"alert('xss8')",
    "' onfocus='alert(9)' autofocus='",
    "<a href=\"javascript:alert('xss10')\">klik</a>",
    "<scr<script>ipt>alert('xss11')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<meta http-equiv=refresh content=0;url=//evil.example>",
    "<base href=//evil.example/>",
    "<details open ontoggle=alert('xss13')>",
    "</script><script>alert('xss14')</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss15')>",
    "]]><x>alert('cdata')</x>",
    "&lt;script&gt;alert('entity')&lt;/script&gt;",
    "{{7*7}}",
    "${7*7}",
]

# Markdown: script links, tracking images, raw HTML, deep nesting that costs a parser time.
MARKDOWN = [
    "**vet** _schuin_",
    "[klik](javascript:alert('md1'))",
    "![pixel](https://evil.example/pixel.png)",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[ref]: javascript:alert('md3')\n\n[x][ref]",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert('md4')> | 2 |",
    "[" * 2000,
    "*" * 5000,
    "> " * 500,
    "- " * 500 + "x",
]

# Full-text search syntax (SQLite FTS5) and query languages.
SEARCH = [
    "NEAR(polarisatie radicalisering)",
    '"unterminated',
    "polarisatie OR",
    "AND OR NOT",
    "*",
    "pol*",
    "(((",
    "-polarisatie",
    "{a b}",
    "x' OR '1'='1",
    "1; DROP TABLE events--",
    "\\",
]

# Cells a spreadsheet runs as formulas (CSV injection).
FORMULA = [
    "=1+1",
    '=HYPERLINK("https://evil.example","klik")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
]

# CRLF and other line breaks that would add a mail header (Bcc, X-Injected) to a mail.
MAIL_HEADERS = [
    "x\r\nBcc: injected@evil.example",
    "x\nBcc: injected@evil.example",
    "x\rBcc: injected@evil.example",
    "lid@rotterdam.nl\r\nBcc: injected@evil.example",
    "lid@rotterdam.nl\nX-Injected: yes",
    "Onderwerp\r\nX-Injected: yes\r\n\r\n<script>alert('body')</script>",
    "x\u2028Bcc: injected@evil.example",
    "x\x85Bcc: injected@evil.example",
    "Naam <lid@rotterdam.nl>, injected@evil.example",
    "lid@rotterdam.nl%0d%0aBcc:injected@evil.example",
]

# Addresses that are odd, invalid, or valid in ways a validator may not expect.
EMAIL = [
    "a@b",
    "@",
    "a@b..nl",
    '"quoted"@rotterdam.nl',
    "a+tag@rotterdam.nl",
    "ä@rotterdam.nl",
    "a@rotterdam.nl.",
    "LID@ROTTERDAM.NL",
    "x" * 64 + "@" + "y" * 250 + ".nl",
    "a @rotterdam.nl",
    "a@rotterdam.nl;b@rotterdam.nl",
]

# Dates and times: impossible, out of range, with offsets.
DATES = [
    "2027-02-30",
    "2027-13-01",
    "9999-12-31T23:59",
    "2027-03-18T25:00",
    "24:00",
    "13:60",
    "2027-03-18T13:15+14:00",
]

# Values shaped like header and cookie contents.
HEADERS = [
    "a=b; sessie=x",
    "en-US,en;q=0.9",
    "zz-ZZ",
    "nl\r\nSet-Cookie: evil=1",
    "127.0.0.1, 10.0.0.1",
    "evil.example",
    "application/x-www-form-urlencoded; charset=utf-7",
    "multipart/form-data; boundary=x",
]

# JSON and structured values in places that expect plain text.
STRUCTURED = ["{}", "null", "true", '{"a":', '{"__proto__":{"admin":true}}']

# Key syntax of the table and of expressions.
STORE = ["ACCOUNT#x", "EVENT#netwerkbijeenkomst-test", "attribute_not_exists(PK)", "$ne"]

# Format strings of Python, gettext and Jinja.
FORMATS = ["%s%s%s%n", "%(max)d", "{max}", "{{ config }}"]

# Tokens: right length wrong value, signed-looking, truncated.
TOKENS = ["A" * 43, "0" * 32, "x.0", "eyJhIjoiMCJ9.AAAA.BBBB", "A" * 513]

CATEGORIES: dict[str, list[str]] = {
    "whitespace": WHITESPACE,
    "control": CONTROL,
    "nul": NUL,
    "unicode-specials": UNICODE_SPECIALS,
    "unicode-digits": UNICODE_DIGITS,
    "numbers": NUMBERS,
    "bidi": BIDI,
    "surrogates": SURROGATES,
    "normalisation": NORMALISATION,
    "long": LONG,
    "percent": PERCENT,
    "paths": PATHS,
    "markup": MARKUP,
    "markdown": MARKDOWN,
    "search": SEARCH,
    "formula": FORMULA,
    "mail-headers": MAIL_HEADERS,
    "email": EMAIL,
    "dates": DATES,
    "headers": HEADERS,
    "structured": STRUCTURED,
    "store": STORE,
    "formats": FORMATS,
    "tokens": TOKENS,
}


def corpus() -> list[str]:
    """Every hostile input once, category by category."""
    return list(dict.fromkeys(value for values in CATEGORIES.values() for value in values))


def category_of(value: str) -> str:
    """The first category that lists `value`."""
    return next(name for name, values in CATEGORIES.items() if value in values)


def describe(value: str, width: int = 70) -> str:
    """A short repr for reports: long values are cut, with their length."""
    text = repr(value)
    return text if len(text) <= width else f"{text[: width - 20]}...' (len {len(value)})"
