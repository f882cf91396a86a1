"""JSON as the portal receives and sends it: API bodies and answers, event files, queue messages,
SES notifications, the OpenAPI document. A body's shape is checked where it is read (the forms, the
importer), so its values are Any here: the one place that says so for all of them."""

from __future__ import annotations

from typing import Any, TypeAlias

JsonObject: TypeAlias = dict[str, Any]
