"""HTTP details Discord gets exactly right and discord.py depends on.

Reading JSON or multipart (``payload_json`` + files) bodies, the X-RateLimit-*
and ``Via`` headers, the exact ``Content-Type: application/json``, and injected
faults shaped like Discord's (a 429 discord.py will honour, 5xx pages).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from .api import Result


@dataclass
class Fault:
    """An injected failure for the next ``times`` requests matching method + path."""

    method: str
    pattern: str | re.Pattern[str]
    status: int
    retry_after: float
    body: Any
    times: int
    is_global: bool

    def matches(self, method: str, path: str) -> bool:
        if self.method not in ("*", method):
            return False
        if isinstance(self.pattern, re.Pattern):
            return bool(self.pattern.search(path))
        return fnmatch.fnmatchcase(path, self.pattern)


async def read_body(request: web.Request) -> tuple[Any, list[dict[str, Any]], str | None]:
    """JSON body, or multipart ``payload_json`` plus file metadata; third item = error."""
    if not request.can_read_body:
        return None, [], None
    if request.content_type == "multipart/form-data":
        payload: Any = None
        files: list[dict[str, Any]] = []
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read()
            if part.name == "payload_json":
                try:
                    payload = json.loads(data)
                except ValueError:
                    return None, [], "payload_json is not valid JSON"
            else:
                files.append(
                    {
                        "name": part.name,
                        "filename": part.filename or "",
                        "content_type": part.headers.get("Content-Type", ""),
                        "size": len(data),
                    }
                )
        return payload, files, None
    raw = await request.read()
    if not raw:
        return None, [], None
    if request.content_type != "application/json":
        return None, [], f"unsupported Content-Type {request.content_type!r}"
    try:
        return json.loads(raw), [], None
    except ValueError:
        return None, [], "body is not valid JSON"


def ratelimit_headers(bucket_key: str) -> dict[str, str]:
    """Headers Discord sends on every response; discord.py sizes its buckets from them."""
    return {
        "Via": "1.1 google",
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": hashlib.sha1(bucket_key.encode()).hexdigest()[:32],
    }


def fault_result(fault: Fault, headers: dict[str, str]) -> Result:
    if fault.status == 429:
        headers.update(
            {
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + fault.retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{fault.retry_after:.3f}",
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
                "Retry-After": str(math.ceil(fault.retry_after)),
            }
        )
        if fault.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = fault.body or {
            "message": "You are being rate limited.",
            "retry_after": fault.retry_after,
            "global": fault.is_global,
        }
        return Result(429, body)
    reason = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
    body = fault.body or {
        "message": f"{fault.status}: {reason.get(fault.status, 'Error')}",
        "code": 0,
    }
    return Result(fault.status, body)


def json_response(status: int, body: Any, headers: Mapping[str, str]) -> web.Response:
    """JSON with *exactly* ``Content-Type: application/json``.

    discord.py compares the header verbatim; ``web.json_response`` would append
    ``; charset=utf-8`` and discord.py would then treat every body as text.
    """
    if body is None or status == 204:
        return web.Response(status=status, headers=dict(headers))
    data = json.dumps(body, separators=(",", ":")).encode()
    return web.Response(
        status=status, body=data, headers={**headers, "Content-Type": "application/json"}
    )
