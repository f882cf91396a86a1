"""The one place where errors become responses: an HTML page, or RFC 9457 problem details under /api/;
and where every response gets its headers (security, no-store, the API's version).

Registered as HTTP middleware in app.py. Domain errors arrive as exceptions
(they subclass ChaliceUnhandledError); anything unexpected arrives as
Chalice's own 500 response and is replaced, so no trace reaches a visitor.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError
from chalice.app import Chalice, Request, Response

from chalicelib.accounts.model import Account
from chalicelib.core import config, faults, observability, tenancy
from chalicelib.core.errors import (
    BadRequest,
    InvalidInput,
    MethodNotAllowed,
    NotFound,
    PortalError,
    ServiceBusy,
    UnsupportedMediaType,
)
from chalicelib.core.rendering import gettext
from chalicelib.core.tenancy import Network
from chalicelib.networks import service as networks
from chalicelib.views import missing
from chalicelib.views.http import (
    current_account,
    encodable_path,
    known_account,
    language,
    page,
    problem_response,
    request_path,
)
from chalicelib.views.openapi import API_VERSION

log = logging.getLogger(__name__)

# Chalice's own error responses (bad JSON, 415, 500 ...) mapped to ours
_CHALICE_STATUS = {400: BadRequest, 404: NotFound, 405: MethodNotAllowed, 415: UnsupportedMediaType}


def _security_headers(response: Response) -> Response:
    headers = {
        "Content-Security-Policy": (
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
        ),
        "X-Content-Type-Options": "nosniff",
        # personal links carry their token in the path: never leak it as a referrer
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }
    if not config.is_local():
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    # Pages show who is signed in, carry a visitor's CSRF token or a personal link: never stored by a
    # browser or proxy. What may be kept (static files, the news feed) says so itself.
    headers["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    return response


def _account_for_error_page(request: Request, error: PortalError) -> Account | None:
    """Who is signed in, for the error page's menu. After a fault, only an account this request read
    already: asking DynamoDB again would fail again (and escape the handler as a 500); after any
    other error it is read, and a fault in that read leaves the page without it."""
    if not tenancy.is_set():  # no network, so no account either
        return None
    if isinstance(error, ServiceBusy):
        return known_account(request)
    try:
        return current_account(request)
    except Exception as error:  # reading who is signed in never fails the error page itself
        if isinstance(error, PortalError) or faults.is_aws_error(error):
            return None
        raise


def error_response(request: Request, error: PortalError) -> Response:
    lang = language(request)
    message = gettext(lang, error.message)
    if request_path(request).startswith("/api/"):
        extensions: dict[str, object] = {}
        if isinstance(error, InvalidInput):  # per field, as an extension member
            extensions["errors"] = {
                name: gettext(lang, e.msgid, max=e.max, other=e.other) for name, e in error.fields.items()
            }
        response = problem_response(error.status, message, **extensions)
    else:
        account = _account_for_error_page(request, error)
        response = page(
            request, "error.html", status=error.status, status_code=error.status, message=message, account=account
        )
    if error.retry_after:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _api_path_with_trailing_slash(request: Request) -> bool:
    """The API Design Rules' /core/no-trailing-slash: API Gateway would answer /api/v1/events/ as
    /api/v1/events; the rules ask for a 404, so that clients use the one right URI."""
    path = request_path(request)
    return path.startswith("/api/") and path.endswith("/")


def _ours(app: Chalice, event: Request, response: Response) -> Response:
    """Chalice's own error answers (bad JSON, 405, its bare 500) replaced by ours."""
    chalice_error = isinstance(response.body, dict) and "Code" in response.body
    if response.status_code < 500 and not (chalice_error and response.status_code >= 400):
        return response
    status = response.status_code
    if status == 405 and event.path == missing.CATCH_ALL:  # an unknown path, whatever the method
        return error_response(event, NotFound())
    if status >= 500:
        log.error("unhandled error on %s", event.path)  # Chalice logged the trace already
    response = error_response(event, _CHALICE_STATUS.get(status, PortalError if status >= 500 else BadRequest)())
    if status == 405:
        response.headers["Allow"] = ", ".join(sorted(app.routes.get(event.path, {})))
    return response


def error_middleware(app: Chalice) -> Callable[[Request, Callable[[Request], Response]], Response]:
    """The HTTP middleware for `app`; it needs the app only to list a route's methods in a 405."""

    observability.setup()

    def handle_errors(event: Request, get_response: Callable[[Request], Response]) -> Response:
        started = time.perf_counter()
        _begin(event)
        encodable_path(event)
        aws_error = ""
        try:
            network = _network_of(event)
            observability.context["network"] = network.name  # every log line of the request says whose
            with tenancy.within(network):
                try:
                    if _api_path_with_trailing_slash(event):
                        raise NotFound()
                    response = _ours(app, event, get_response(event))
                except PortalError as error:
                    aws_error = observability.aws_error_code(error.__cause__)
                    response = error_response(event, error)
        except PortalError as error:  # no network: an unknown host, or the list of networks unreadable
            aws_error = observability.aws_error_code(error.__cause__)
            response = error_response(event, error)
        if request_path(event).startswith("/api/"):
            response.headers["API-Version"] = API_VERSION  # on every answer of the API, errors too
        _end(response.status_code, started, aws_error)
        return _security_headers(response)

    return handle_errors


def _network_of(request: Request) -> Network:
    """The network the request's host names: an unknown host is a 404 (of no network), and a fault
    reading the list of networks a 503."""
    try:
        network = networks.for_host(str(request.headers.get("host") or "") if request.headers else "")
    except (ClientError, BotoCoreError) as error:
        raise (ServiceBusy() if faults.is_passing(error) else PortalError()) from error
    if network is None:
        raise NotFound()
    return network


def _begin(request: Request) -> None:
    """Whom the log lines of this request belong to: its id and route template (never its path,
    which may carry a personal token)."""
    observability.context.clear()
    lambda_context = getattr(request, "lambda_context", None)
    observability.context.update(
        request_id=str(getattr(lambda_context, "aws_request_id", "") or (request.context or {}).get("requestId", "")),
        route=request.path,
        method=request.method,
    )


def _end(status: int, started: float, aws_error: str) -> None:
    """The request's one log line (WARNING for a 503, ERROR for another 5xx) and its metrics."""
    fields: dict[str, object] = {"status": status, "duration_ms": round((time.perf_counter() - started) * 1000, 1)}
    if aws_error:
        fields["aws_error"] = aws_error
    level = logging.ERROR if status >= 500 and status != 503 else logging.WARNING if status == 503 else logging.INFO
    log.log(level, "request", extra=fields)
    observability.flush()
