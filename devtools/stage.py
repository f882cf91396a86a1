"""A stage's settings from .chalice/config.json, for processes that Chalice does not start."""

from __future__ import annotations

import json
import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalice.test import Client, HTTPResponse

CONFIG = Path(__file__).resolve().parent.parent / ".chalice" / "config.json"


def moto_port() -> int:
    """The local moto server's port: MOTO_PORT, or 5001."""
    return int(os.environ.get("MOTO_PORT", "5001"))


def portal_port() -> int:
    """The local portal's port (`chalice local`), which links in local mail point to: PORTAL_PORT, or 8000."""
    return int(os.environ.get("PORTAL_PORT", "8000"))


def default_network() -> AbstractContextManager[None]:
    """Inside the deployment's default network, as manage.py works without --network: its settings
    read only when something asks for them."""
    from chalicelib.core import config, tenancy
    from chalicelib.networks import service as networks

    return tenancy.within_named(config.default_network_name(), networks.default)


def from_host(client: Client, host: str) -> Client:
    """Chalice's test client, asking as a browser does: with a Host header (this one, unless a request
    names its own), which selects the network."""
    send = client.http.request

    def request(method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"") -> HTTPResponse:
        return send(method, path, headers={"host": host, **(headers or {})}, body=body)

    client.http.request = request  # type: ignore[method-assign]
    return client


def use_stage(stage: str) -> None:
    """Put the stage's variables into os.environ, as the Lambda gets them; set ones win."""
    config = json.loads(CONFIG.read_text())
    if stage not in config["stages"]:
        raise ValueError(f"unknown stage {stage!r}; see .chalice/config.json")
    settings = {**config.get("environment_variables", {}), **config["stages"][stage].get("environment_variables", {})}
    if stage == "local":
        # the moto server and the portal that `make run` starts, with moto's fake credentials
        settings.update(
            AWS_ENDPOINT_URL=f"http://127.0.0.1:{moto_port()}",
            AWS_ACCESS_KEY_ID="local",
            AWS_SECRET_ACCESS_KEY="local",
            AWS_DEFAULT_REGION="eu-west-1",
            BASE_URL=f"http://127.0.0.1:{portal_port()}",
        )
    for name, value in settings.items():
        os.environ.setdefault(name, value)
