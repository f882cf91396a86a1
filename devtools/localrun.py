"""`make run`: moto server, the resources, the demo event, `chalice local` and the workers.

Everything it starts runs in its own process and is stopped on Ctrl-C.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devtools import stage

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MOTO_PORT = stage.moto_port()
PORTAL_PORT = stage.portal_port()


def local_env(moto_url: str, portal_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "eu-west-1"),
        "BASE_URL": f"http://127.0.0.1:{portal_port}",
        "PYTHONUNBUFFERED": "1",
    }


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds} s") from None
            time.sleep(0.1)


def start_portal(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`chalice local` for the local stage, bound to loopback, with API Gateway's greedy routes
    (devtools/localgateway.py)."""
    command = [
        sys.executable,
        "-m",
        "devtools.localgateway",
        "local",
        "--stage",
        "local",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-autoreload",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The workers, polling the local stage's queues (`chalice local` runs no SQS or SNS handlers)."""
    return subprocess.Popen(
        [sys.executable, "-m", "devtools.queueworker", "--stage-json", json.dumps(stage_variables())],
        cwd=ROOT,
        env={**env, **stage_variables()},
    )


def stage_variables() -> dict[str, str]:
    config = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**config["environment_variables"], **config["stages"]["local"]["environment_variables"]}


def main() -> None:
    moto_url = f"http://127.0.0.1:{MOTO_PORT}"
    env = local_env(moto_url, PORTAL_PORT)
    moto = subprocess.Popen([sys.executable, "-m", "devtools.motoserver", "--port", str(MOTO_PORT)], cwd=ROOT, env=env)
    portal = worker = None
    try:
        wait_for(f"{moto_url}/moto-api/")
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "create-resources"], cwd=ROOT, env=env, check=True)
        subprocess.run([*manage, "load-events", "demo/events.yaml"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-m", "devtools.demo_network"], cwd=ROOT, env=env, check=True)
        subprocess.run([sys.executable, "-m", "devtools.demo_groups"], cwd=ROOT, env=env, check=True)
        portal = start_portal(env, PORTAL_PORT)
        worker = start_worker(env)
        wait_for(f"http://127.0.0.1:{PORTAL_PORT}/")
        print(
            f"\nThe portal runs at http://127.0.0.1:{PORTAL_PORT}  (mail: /outbox, jobs: /beheer/verzendingen),"
            f" its second network at http://haaglanden.localhost:{PORTAL_PORT}  Ctrl-C stops it.\n",
            flush=True,
        )
        portal.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in (worker, portal, moto):
            if process and process.poll() is None:
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
