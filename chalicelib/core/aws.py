"""boto3 clients, created once per process on first use (each costs 100-150 ms to make).

Clients are thread-safe; resources are not, so the app uses clients only.
`reset()` exists for tests that switch between moto backends.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import boto3
from botocore.config import Config

from chalicelib.core import config

# Fail fast instead of hanging a Lambda on a slow dependency; retries stay on
# for throttling, which moto never produces but DynamoDB does.
_CLIENT_CONFIG = Config(connect_timeout=3, read_timeout=5, retries={"max_attempts": 3, "mode": "standard"})


# presigned POSTs and URLs are signed with SigV4, which every region accepts
_S3_CONFIG = _CLIENT_CONFIG.merge(Config(signature_version="s3v4"))


@cache
def _client(service: str) -> Any:
    settings = _S3_CONFIG if service == "s3" else _CLIENT_CONFIG
    session: Any = boto3.session.Session()  # the service is chosen at run time, so the typed overloads do not apply
    return session.client(service, endpoint_url=config.aws_endpoint_url(), config=settings)


def dynamodb() -> Any:
    return _client("dynamodb")


def ses() -> Any:
    return _client("ses")


def s3() -> Any:
    return _client("s3")


def sqs() -> Any:
    return _client("sqs")


def ssm() -> Any:
    return _client("ssm")


def reset() -> None:
    _client.cache_clear()
