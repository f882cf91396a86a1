"""The portal over real HTTP, as `make run` starts it: moto server, the resources, the demo data,
`chalice local` and the queue worker, each in a process of its own.

moto server runs in its own process (not in a thread of the test process), so the in-process
`mock_aws` of the other tests never touches its data: one stack serves every end-to-end and browser
test of a session, and each test keeps to its own data (its own addresses, its own event).
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import boto3

from devtools.localrun import local_env, start_portal, start_worker, wait_for
from devtools.motoserver import free_port, in_a_process
from devtools.resources import create_all
from tests.support.aws import LOCAL_STAGE, ROOT


@dataclass(frozen=True)
class LivePortal:
    url: str
    moto_url: str
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        """Run manage.py against this portal's moto server, as an organiser would; its output."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=True, text=True
        )
        return done.stdout


@contextmanager
def moto_process() -> Iterator[str]:
    """moto server (one request at a time, as devtools/motoserver.py explains) in a process of its own,
    with the in-process tests' shortcuts (tests/support/moto_speed.py): the same answers, and a
    transaction copies the table once rather than once per item, which a table filled with long data
    (devtools/long_data.py) makes slow."""
    with in_a_process("from tests.support import moto_speed; moto_speed.install()") as url:
        yield url


@contextmanager
def live_stack(worker: bool = True) -> Iterator[LivePortal]:
    """moto server, resources and demo data as `make run` makes them, `chalice local`, and (unless a
    test drives the workers itself) the queue worker."""
    with moto_process() as moto_url:
        port = free_port()
        env = local_env(moto_url, port)
        session = boto3.session.Session(
            aws_access_key_id="local", aws_secret_access_key="local", region_name=env["AWS_DEFAULT_REGION"]
        )
        create_all(session, LOCAL_STAGE, moto_url, origin=env["BASE_URL"])
        subprocess.run([sys.executable, "manage.py", "load-events", "demo/events.yaml"], cwd=ROOT, env=env, check=True)
        running = [start_portal(env, port)]
        if worker:
            running.append(start_worker(env))  # the workers, polling the queues as under make run
        try:
            wait_for(f"http://127.0.0.1:{port}/")
            yield LivePortal(f"http://127.0.0.1:{port}", moto_url, env)
        finally:
            for process in reversed(running):
                process.terminate()
                process.wait(timeout=10)


def reset_moto(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).close()
