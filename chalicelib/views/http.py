"""What the views share: the form pipeline (`form_post`), responses, cookies, language, query values, CSRF."""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Callable
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from chalice.app import Blueprint, Request, Response

from chalicelib.accounts import csrf, sessions
from chalicelib.accounts.model import Account
from chalicelib.core import config, idempotency, tenancy
from chalicelib.core.errors import BadRequest, CsrfFailed, InvalidInput, PortalError
from chalicelib.core.forms import FieldError
from chalicelib.core.i18n import _, choose, negotiate
from chalicelib.core.jsontypes import JsonObject
from chalicelib.core.rendering import render
from chalicelib.core.text import encodable, is_encodable

FORM = ["application/x-www-form-urlencoded"]
HTML_TYPE = "text/html; charset=utf-8"
LANG_COOKIE = "lang"
SESSION_COOKIE = "sessie"
# what a URL holds as it is (RFC 3986's reserved characters, and "%" of what is encoded already)
URL_SAFE = "/?#[]@!$&'()*+,;=:%"
MAX_FORM_BYTES = 65_536  # an article of 20,000 characters, percent-encoded


def cookie_name(name: str) -> str:
    """A cookie's name as sent: with the `__Host-` prefix outside the local stage, so that a browser
    accepts it only from this host, over HTTPS, for the whole site (no subdomain can plant one)."""
    return name if config.is_local() else f"__Host-{name}"


def cookies(request: Request) -> dict[str, str]:
    """The request's cookies by their plain names (`sessie`, `csrf`, `lang`), prefix taken off."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(request.headers.get("cookie", ""))
    except CookieError:
        return {}
    wanted = {cookie_name(name): name for name in (SESSION_COOKIE, csrf.COOKIE, LANG_COOKIE)}
    return {wanted[name]: encodable(morsel.value) for name, morsel in jar.items() if name in wanted}


def cookie_header(name: str, value: str, max_age: int) -> str:
    secure = "" if config.is_local() else "; Secure"
    return f"{cookie_name(name)}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"


def encodable_path(request: Request) -> None:
    """Make the path and its parameters text that UTF-8 can encode (see core/text.py) before any view
    reads them; query values and cookies are made so where they are read."""
    if request.uri_params:
        request.uri_params = {name: encodable(value) for name, value in request.uri_params.items()}
        # Chalice hands a view its arguments from the event itself, not from `uri_params`
        request.to_original_event()["pathParameters"] = request.uri_params
    if request.context and isinstance(request.context.get("path"), str):
        request.context["path"] = encodable(request.context["path"])


def request_path(request: Request) -> str:
    """The path as requested; `request.path` is the route template (/events/{slug})."""
    return str(request.context.get("path") or request.path)


_UNSET: Any = object()


def current_account(request: Request) -> Account | None:
    """The signed-in account: read once per request (one BatchGetItem), only when a session cookie is sent."""
    cached = getattr(request, "_portal_account", _UNSET)
    if cached is _UNSET:
        cached = sessions.account_for(cookies(request).get(SESSION_COOKIE))
        request._portal_account = cached  # type: ignore[attr-defined]
    account: Account | None = cached
    return account


def known_account(request: Request) -> Account | None:
    """The signed-in account if this request has read it already, else None; never a read."""
    cached = getattr(request, "_portal_account", None)
    return cached if isinstance(cached, Account) else None


def language(request: Request) -> str:
    """The visitor's choice with the language switch (a cookie); before they made one, the language
    their browser asks for (Accept-Language), else Dutch."""
    chosen = cookies(request).get(LANG_COOKIE)
    if chosen is None:
        return negotiate(encodable(str(request.headers.get("accept-language", ""))))
    return choose(chosen)


def query_params(request: Request) -> dict[str, str]:
    """The query string's values (the last of each repeated one), as text UTF-8 can encode; an empty
    dict when there is none."""
    return {encodable(name): encodable(value) for name, value in (request.query_params or {}).items()}


def path_with_query(request: Request) -> str:
    """The page as the visitor asked for it, query included (every value of a repeated parameter, such
    as ?thema=a&thema=b): where signing in or switching the language returns them to."""
    query = request.query_params
    if query is None:
        return request_path(request)
    pairs = [(encodable(name), encodable(value)) for name in query for value in query.getlist(name)]
    return request_path(request) + (f"?{urlencode(pairs)}" if pairs else "")


def client_address(request: Request) -> str:
    """The visitor's IP address as API Gateway saw it (for rate limits; never logged)."""
    identity = (request.context or {}).get("identity", {})
    return str(identity.get("sourceIp", "unknown"))


def local_path(candidate: str | None) -> str:
    """The one check of a return path (`next`) before the portal redirects to it: a path on this
    site, else "/". Refused, also once percent-decoded: anything not starting with one "/", a
    backslash, and any control or space character (browsers drop a tab, so "/\t/x" reads as "//x",
    and a newline cannot go into a Location header). What passes is percent-encoded to ASCII once,
    here (a "/€" becomes "/%E2%82%AC"), so that it can be stored with a sign-in link and sent in a
    Location header; what is encoded already stays as it is."""
    if not candidate or len(candidate) > 500:
        return "/"
    for form in (candidate, unquote(candidate)):
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return "/"
        if any(c.isspace() or unicodedata.category(c).startswith("C") for c in form):
            return "/"
    return ascii_url(candidate)


def ascii_url(location: str) -> str:
    """`location` with every character that a URL may not hold as it is percent-encoded (as UTF-8),
    and nothing else: an ASCII URL stays the same."""
    return quote(encodable(location), safe=URL_SAFE)


def _raw_body(request: Request) -> bytes:
    """The body as bytes. Chalice encodes a text body as UTF-8, which fails on a lone surrogate:
    that is a 400, as is any body that is not UTF-8 when it is read as text."""
    try:
        raw = request.raw_body or b""
    except UnicodeEncodeError as error:
        raise BadRequest() from error
    return raw.encode("utf-8") if isinstance(raw, str) else raw


def form_data(request: Request) -> dict[str, str]:
    """A urlencoded body as a dict of first values: Chalice parses only JSON bodies."""
    raw = _raw_body(request)
    if len(raw) > MAX_FORM_BYTES:
        raise BadRequest(_("Het formulier is te groot."))
    try:
        parsed = parse_qs(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=200)
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadRequest() from exc
    return {key: values[0] for key, values in parsed.items()}


def json_body(request: Request) -> JsonObject:
    try:
        body = json.loads(_raw_body(request))
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: "[[[[…" nested too deep
        raise BadRequest(_("De body is geen geldige JSON.")) from exc
    if not isinstance(body, dict):
        raise BadRequest(_("De body moet een JSON-object zijn."))
    if not is_encodable(json.dumps(body, ensure_ascii=False)):  # a "\ud800" escape: a lone surrogate
        raise BadRequest(_("De body bevat een teken dat geen tekst is (een losse UTF-16-surrogaat)."))
    return body


def kept(data: dict[str, str]) -> dict[str, str]:
    """What the visitor typed, to show again with the messages; never the CSRF token."""
    return {key: value for key, value in data.items() if key != csrf.FIELD}


def one_time_key(form: dict[str, str]) -> str:
    """Take a form's one-time value (core/idempotency.py) out of its fields: it names the submission,
    it is not part of it."""
    return form.pop(idempotency.FIELD, "")


def form_key(values: dict[str, str] | None) -> str:
    """The one-time value a form is rendered with: the one it was sent with when it comes back with
    messages (it still names the same submission, which has not been made), else a fresh one."""
    return (values or {}).get(idempotency.FIELD) or idempotency.new_key()


def header_key(request: Request) -> str:
    """The API's Idempotency-Key: a Structured Field string ("…"), or the bare value many clients send."""
    value = str(request.headers.get(idempotency.HEADER.lower(), "")).strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value


def require_csrf(request: Request, data: dict[str, str]) -> None:
    jar = cookies(request)
    if not csrf.is_valid(jar.get(csrf.COOKIE), sessions.session_id(jar.get(SESSION_COOKIE)), data.get(csrf.FIELD)):
        raise CsrfFailed()


FormView = Callable[..., Response]


def form_post(bp: Blueprint, on_invalid: Callable[..., Response] | None = None) -> Callable[[FormView], FormView]:
    """The steps every form's POST shares, so that its view holds only what is particular to it.

    Parses the urlencoded body, checks its CSRF token, and calls the view with the
    fields (the token left out) as `form`, besides its URL parameters. When the view
    raises InvalidInput, `on_invalid(**url parameters, values=..., errors=...)` renders
    the form again with the visitor's input kept, and it goes out with status 422. So does
    an error that names the `field` it concerns (too many mails to the address typed), with
    that error's status. Without `on_invalid`, these go to the error handler like any other.
    """

    def decorate(view: FormView) -> FormView:
        @functools.wraps(view)
        def handle(**params: str) -> Response:
            request = bp.current_request
            data = form_data(request)
            require_csrf(request, data)
            try:
                return view(kept(data), **params)
            except InvalidInput as invalid:
                if on_invalid is None:
                    raise
                response = on_invalid(**params, values=kept(data), errors=invalid.fields)
                response.status_code = 422
                return response
            except PortalError as refused:
                field = getattr(refused, "field", "")
                if on_invalid is None or not field:
                    raise
                response = on_invalid(**params, values=kept(data), errors={field: FieldError(refused.message)})
                response.status_code = refused.status
                return response

        return handle

    return decorate


def page(request: Request, template: str, status: int = 200, **context: object) -> Response:
    """Render a page in the visitor's language, with a CSRF token for its forms."""
    lang = language(request)
    jar = cookies(request)
    secret = jar.get(csrf.COOKIE)
    set_cookies = []
    if not secret:
        secret = csrf.new_secret()
        set_cookies.append(cookie_header(csrf.COOKIE, secret, 60 * 60 * 24))
    if "account" not in context:  # setdefault would read it even when given
        context["account"] = current_account(request)
    body = render(
        template,
        lang,
        csrf_field=csrf.FIELD,
        key_field=idempotency.FIELD,
        csrf_token=csrf.token_for(secret, sessions.session_id(jar.get(SESSION_COOKIE))),
        current_path=path_with_query(request),
        current_query=query_params(request),
        is_local=config.is_local(),
        network=tenancy.current() if tenancy.is_set() else None,
        **context,
    )
    headers: dict[str, str | list[str]] = {"Content-Type": HTML_TYPE}
    if set_cookies:
        headers["Set-Cookie"] = set_cookies
    return Response(body, status_code=status, headers=headers)


def redirect(location: str, extra_headers: dict[str, str | list[str]] | None = None) -> Response:
    """A 303 to `location`; its Location header is ASCII, whatever the path holds."""
    return Response("", status_code=303, headers={"Location": ascii_url(location), **(extra_headers or {})})


def json_response(body: object, status: int = 200) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


def calendar_response(body: bytes, filename: str = "", cache: str = "no-store") -> Response:
    """An iCalendar file (with a file name: downloaded) or feed (without: calendar apps subscribe to it)."""
    headers: dict[str, str | list[str]] = {"Content-Type": "text/calendar; charset=utf-8", "Cache-Control": cache}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body.decode("utf-8"), headers=headers)


def problem_response(status: int, detail: str, **extensions: object) -> Response:
    """An API error as RFC 9457 problem details: no problem type of our own (about:blank), so the
    title is the status's phrase; what went wrong, in the visitor's language, is the detail."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return Response(
        json.dumps(body | extensions, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/problem+json"},
    )


def with_upload_form(response: Response, form_url: str) -> Response:
    """A page whose form posts (plain) or sends (upload.js) a file to S3: S3 joins the allowed targets."""
    s3 = "{0.scheme}://{0.netloc}".format(urlsplit(form_url))
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self' {s3}; "
        f"form-action 'self' {s3}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
    return response
