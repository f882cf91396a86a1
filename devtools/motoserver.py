"""moto server on 127.0.0.1 that answers one request at a time.

moto's transact_write_items has no lock and rolls back by restoring a copy of
the table, so a threaded moto server can interleave two transactions and lose
or double writes. DynamoDB serialises conflicting transactions; handling one
request at a time gives the same guarantee, so concurrency tests exercise the
portal's conditions and not moto's thread-safety.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from moto.ses.models import ses_backends
from werkzeug.serving import BaseWSGIServer, make_server

from devtools.localrun import wait_for

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


# SES's sent mail from a position on, as JSON: moto's own /moto-api/data.json serialises the state of
# every service on each call, which takes many seconds once a soak has written thousands of items
SENT_MAIL_PATH = "/_local/ses-sent"


def with_sent_mail(app: WSGIApplication) -> WSGIApplication:
    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != SENT_MAIL_PATH:
            return app(environ, start_response)
        since = int(parse_qs(environ.get("QUERY_STRING", "")).get("since", ["0"])[0])
        region = os.environ.get("AWS_DEFAULT_REGION", "eu-west-1")
        sent = ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages[since:]
        body = json.dumps([{"destinations": m.destinations, "raw_data": m.raw_data} for m in sent]).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]

    return serve


def make(port: int = 0) -> BaseWSGIServer:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call drowns the portal's output
    app = with_sent_mail(DomainDispatcherApplication(create_backend_app))
    server = make_server("127.0.0.1", port, app, threaded=False, request_handler=MotoRequestHandler)
    server.socket.listen(256)  # many clients queue while one request is served
    return server


class MotoServer:
    """In a background thread, for tests: `with MotoServer() as url: ...`."""

    def __init__(self, port: int = 0) -> None:
        self._server = make(port)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.socket.getsockname()[:2]  # what server_address holds, as text
        return f"http://{host}:{port}"

    def __enter__(self) -> str:
        self._thread.start()
        return self.url

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def in_a_process(prelude: str = "") -> Iterator[str]:
    """moto server in a process of its own (not a thread of the caller's, which would share one
    interpreter lock with it); its URL. `prelude`: Python run in that process first."""
    port = free_port()
    start = f"{prelude}; from devtools.motoserver import main; main()" if prelude else None
    command = ["-c", start] if start else ["-m", "devtools.motoserver"]
    server = subprocess.Popen([sys.executable, *command, "--port", str(port)], cwd=Path(__file__).parent.parent)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/moto-api/")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5001)
    server = make(parser.parse_args().port)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C from `make run` is the normal way out
        server.serve_forever()


if __name__ == "__main__":
    main()
