"""The soak's own local stack on free ports: moto server, the resources and the demo data, and
`chalice local` and the queue worker under devtools/chaos.py's faults; the worker can be killed."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
from pathlib import Path

import boto3

from devtools.localrun import local_env, stage_variables, wait_for
from devtools.motoserver import free_port

ROOT = Path(__file__).resolve().parent.parent


class Stack:
    """moto server, the resources and demo data, and `chalice local` and the queue worker under chaos."""

    def __init__(self, fault_rate: float) -> None:
        self.moto_port, self.port = free_port(), free_port()
        self.moto_url = f"http://127.0.0.1:{self.moto_port}"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **local_env(self.moto_url, self.port),
            **stage_variables(),
            "SOAK_FAULT_RATE": str(fault_rate),
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        self.worker: subprocess.Popen[bytes] | None = None
        (ROOT / "build").mkdir(exist_ok=True)  # a fresh checkout has none
        self.log = open(ROOT / "build" / "soak.log", "wb")  # noqa: SIM115 (closed in stop)

    def _start(self, *command: str, seed: int) -> subprocess.Popen[bytes]:
        env = {**self.env, "SOAK_FAULT_SEED": str(seed)}
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def start(self) -> None:
        python = sys.executable
        moto = subprocess.Popen(
            [python, "-m", "devtools.motoserver", "--port", str(self.moto_port)], cwd=ROOT, env=self.env
        )
        self.processes.append(moto)
        wait_for(f"{self.moto_url}/moto-api/")
        from devtools.resources import create_all

        session = boto3.session.Session(
            aws_access_key_id="local", aws_secret_access_key="local", region_name=self.env["AWS_DEFAULT_REGION"]
        )
        # a message whose worker was killed comes back after 10 s, not the local stack's 30
        create_all(session, self.env, self.moto_url, origin=self.url, visibility_seconds=10)
        portal = ("chalice", "local", "--stage", "local", "--host", "127.0.0.1", "--port", str(self.port))
        self.processes.append(
            self._start(python, "-m", "devtools.chaos", "portal", *portal[1:], "--no-autoreload", seed=1)
        )
        self.start_worker()
        wait_for(f"{self.url}/")

    def start_worker(self) -> None:
        stage = json.dumps(stage_variables())
        self.worker = self._start(
            sys.executable,
            "-m",
            "devtools.chaos",
            "worker",
            "--stage-json",
            stage,
            seed=random.randrange(10**6),  # noqa: S311
        )

    def kill_worker(self) -> None:
        """SIGKILL: nothing of the worker runs after it (no release, no cleanup), as when Lambda dies."""
        if self.worker is not None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait()
        self.start_worker()

    def stop(self) -> None:
        for process in [self.worker, *reversed(self.processes)]:
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.log.close()
