"""Faults injected where AWS would produce them: as the HTTP answer to a real call (botocore's
`before-send` event), so botocore's parser, its retries and our hooks all run as in production; or
after a call that went through (`fault_after`), as when its answer never arrived.
moto never throttles, conflicts or fails a connection (it answers everything else for real)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypedDict

from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
from botocore.httpsession import URLLib3Session
from moto.core.models import botocore_stubber

from devtools.chaos import error_response


class Fault(TypedDict, total=False):
    """What `fault` answers with, named once to pass along (`fault(client, operation, **THROTTLED)`)."""

    code: str
    status: int
    reasons: list[str] | None
    connection: bool


@dataclass
class Injected:
    """How often the fault was given (each botocore attempt counts, retries included)."""

    calls: int = 0
    operations: list[str] = field(default_factory=list)


@contextmanager
def fault(
    client: Any,
    operation: str,
    code: str = "",
    status: int = 400,
    times: int = 10_000,
    reasons: list[str] | None = None,
    connection: bool = False,
) -> Iterator[Injected]:
    """Answer `operation` ("*" for every one) of `client` with an AWS error `code` and HTTP `status`
    (or, `connection`, fail to connect), the first `times` attempts; afterwards moto answers again."""
    injected = Injected()
    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}"
    event += "" if operation == "*" else f".{operation}"

    def answer(request: Any, **kwargs: Any) -> AWSResponse | None:
        if injected.calls >= times:
            return None
        injected.calls += 1
        injected.operations.append(kwargs.get("event_name", "").rsplit(".", 1)[-1])
        if connection:
            raise EndpointConnectionError(endpoint_url=request.url)
        answered = error_response(request.url, client.meta.service_model.protocol, code, status, reasons)
        # In-process moto answers `before-send` too, after this hook, and would carry the call out
        # (botocore keeps the first answer but asks every handler): send it nowhere it recognises.
        request.url = "https://injected-fault.invalid/"
        return answered

    with _first_hook(client, event, answer, "injected-fault"):
        yield injected


@contextmanager
def _first_hook(client: Any, event: str, handler: Callable[..., Any], unique_id: str) -> Iterator[None]:
    """`handler` before every other hook of `event` (moto's own among them), for the block only."""
    client.meta.events.register_first(event, handler, unique_id=unique_id)
    try:
        yield
    finally:
        client.meta.events.unregister(event, unique_id=unique_id)


@contextmanager
def answer_lost(
    client: Any, operation: str, times: int = 1, wanted: Callable[[Any], bool] = lambda _request: True
) -> Iterator[Injected]:
    """Let AWS carry `operation` out, then lose its answer (a read timeout), the first `times`
    attempts that `wanted` picks (by the HTTP request): the caller cannot know that the call took
    effect. In process, moto's stub carries it out; against moto server, the request is sent over
    HTTP before the answer is thrown away."""
    injected = Injected()
    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}.{operation}"

    def carried_out_then_lost(request: Any, **kwargs: Any) -> None:
        if injected.calls >= times or not wanted(request):
            return
        injected.calls += 1
        injected.operations.append(operation)
        if botocore_stubber.enabled:
            botocore_stubber(event_name=kwargs.get("event_name", event), request=request)
        else:
            URLLib3Session().send(request)
        raise ReadTimeoutError(endpoint_url=request.url)

    with _first_hook(client, event, carried_out_then_lost, "injected-lost-answer"):
        yield injected


@contextmanager
def fault_after(
    client: Any,
    operation: str,
    wanted: Callable[[dict[str, Any]], bool] = lambda _params: True,
    code: str = "ServiceUnavailable",
    status: int = 503,
    times: int = 1,
) -> Iterator[Injected]:
    """Carry out `operation` of `client` (moto applies it), then raise an AWS error `code` in place of
    its answer, as when the answer is lost after the write went through: botocore's retries are over
    and the portal sees a fault. Only calls whose parameters `wanted` picks, the first `times` of them."""
    injected = Injected()
    service = client.meta.service_model.service_id.hyphenize()

    def note(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["fault_after"] = wanted(params)

    def fail(context: dict[str, Any], **_: Any) -> None:
        if context.get("fault_after") and injected.calls < times:
            injected.calls += 1
            injected.operations.append(operation)
            answer: Any = {
                "Error": {"Code": code, "Message": f"injected {code} after the call"},
                "ResponseMetadata": {"HTTPStatusCode": status},
            }
            raise ClientError(answer, operation)

    events = ((f"before-parameter-build.{service}.{operation}", note), (f"after-call.{service}.{operation}", fail))
    for event, handler in events:
        client.meta.events.register(event, handler, unique_id=f"fault-after-{event}")
    try:
        yield injected
    finally:
        for event, _handler in events:
            client.meta.events.unregister(event, unique_id=f"fault-after-{event}")
