"""Reading back what a test wrote: the stores answer None for what is not there."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def present(found: T | None) -> T:
    """What a store read back where the test expects it to be; fails the test, by name, when it is not."""
    assert found is not None, "expected it to be stored"
    return found
