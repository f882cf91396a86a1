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
import logging
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import BaseWSGIServer, make_server


def make(port: int = 0) -> BaseWSGIServer:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per AWS call drowns the portal's output
    app = DomainDispatcherApplication(create_backend_app)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=5001)
    server = make(parser.parse_args().port)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C from `make run` is the normal way out
        server.serve_forever()


if __name__ == "__main__":
    main()
