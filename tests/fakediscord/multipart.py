"""Messages with files: the ``multipart/form-data`` bodies Discord takes, checked.

Why: a file is sent as a form, not JSON (Discord's "Uploading Files"): one
``payload_json`` part holding the JSON body the spec describes, and one part per file
named ``files[n]`` with a filename. The JSON body's ``attachments`` array refers to
the files by that ``n`` (its ``id``), which is where a file gets its description (alt
text), and an embed shows an uploaded image through ``attachment://<filename>``. None
of that cross-referencing is in the schema, so it is checked here: a form Discord
cannot read is refused outright, and a body that points at a file it did not send,
or sends one nothing points at, is a violation like any schema error.
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from typing import Any

from .spec import Violation

PAYLOAD = "payload_json"
FILE_FIELD = re.compile(r"^files\[(\d+)\]$")
MAX_FILES = 10
"""Files per message (the spec lists ``files[0]`` to ``files[9]``)."""
MAX_FILE_BYTES = 10 * 1024 * 1024
"""Discord's upload limit for a bot in a server without boosts: 10 MiB."""
MAX_REQUEST_BYTES = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024
"""What the fake reads of one request, so an oversized file gets Discord's answer
rather than the web server's."""
ATTACHMENT_URL = "attachment://"
# "The filename for these URLs must be ASCII alphanumeric with underscores, dashes,
# or dots" (Discord's docs, embeds with uploaded images).
REFERABLE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_IMAGE_KEYS = (
    ("image", "url"),
    ("thumbnail", "url"),
    ("author", "icon_url"),
    ("footer", "icon_url"),
)


class FormError(Exception):
    """A form Discord cannot read at all; ``code`` is Discord's error code."""

    def __init__(self, status: int, code: int, message: str, problem: str) -> None:
        super().__init__(problem)
        self.status, self.code, self.message, self.problem = status, code, message, problem


@dataclass(frozen=True)
class Upload:
    """One ``files[n]`` part as it arrived."""

    index: int
    filename: str
    content_type: str
    data: bytes = field(repr=False)


def read_form(content_type: str, raw: bytes) -> tuple[Any, list[Upload]]:
    """The JSON body in ``payload_json`` and the files, in ``n`` order."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    form = BytesParser(policy=policy.HTTP).parsebytes(head + raw)
    if not form.is_multipart():
        raise FormError(400, 50109, "Invalid Form Body", "multipart body without parts")
    payload: Any = None
    uploads: dict[int, Upload] = {}
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        if name == PAYLOAD:
            try:
                payload = json.loads(data)
            except ValueError as error:
                raise FormError(400, 50109, "Invalid JSON", f"payload_json: {error}") from None
            continue
        field = FILE_FIELD.match(str(name or ""))
        if field is None:
            problem = f"form part {name!r} is neither payload_json nor files[n]"
            raise FormError(400, 50035, "Invalid Form Body", problem)
        index = int(field[1])
        if index in uploads:
            raise FormError(400, 50035, "Invalid Form Body", f"files[{index}] sent twice")
        if not part.get_filename():
            raise FormError(400, 50035, "Invalid Form Body", f"files[{index}] has no filename")
        if len(data) > MAX_FILE_BYTES:
            problem = f"files[{index}] is {len(data):,} bytes (limit {MAX_FILE_BYTES:,})"
            raise FormError(413, 40005, "Request entity too large", problem)
        uploads[index] = Upload(index, str(part.get_filename()), part.get_content_type(), data)
    if payload is None:
        raise FormError(400, 50035, "Invalid Form Body", "files without a payload_json part")
    return payload, [uploads[i] for i in sorted(uploads)]


def spec_body(payload: Any, uploads: list[Upload]) -> Any:
    """The form as the spec's ``multipart/form-data`` schema sees it: the JSON body's
    fields next to one ``files[n]`` field per file."""
    if not isinstance(payload, dict):
        return payload
    return {**payload, **{f"files[{u.index}]": u.filename for u in uploads}}


def upload_violations(
    message: Any, uploads: list[Upload], prefix: tuple[str, ...]
) -> list[Violation]:
    """What Discord would refuse in how ``message`` (a body's message part) refers to
    the uploaded files."""
    if not isinstance(message, dict):
        return []
    found: list[Violation] = []
    if len(uploads) > MAX_FILES:
        found.append(Violation(prefix, f"{len(uploads)} files (limit {MAX_FILES})"))
    by_index = {u.index: u for u in uploads}
    listed: set[int] = set()
    for i, attachment in enumerate(message.get("attachments") or []):
        where = (*prefix, "attachments", i)
        index = attachment.get("id") if isinstance(attachment, dict) else None
        if isinstance(index, str) and index.isdigit():
            index = int(index)
        upload = by_index.get(index) if isinstance(index, int) else None
        if upload is None:
            found.append(Violation((*where, "id"), f"no files[{index}] was uploaded"))
            continue
        listed.add(upload.index)
        name = attachment.get("filename")
        if name is not None and name != upload.filename:
            message_text = f"filename {name!r} is not that of files[{index}] ({upload.filename!r})"
            found.append(Violation((*where, "filename"), message_text))
    if message.get("attachments") is not None:
        for upload in uploads:
            if upload.index not in listed:
                message_text = f"files[{upload.index}] is not in the attachments array"
                found.append(Violation((*prefix, "attachments"), message_text))
    names = {u.filename for u in uploads}
    for e, embed in enumerate(message.get("embeds") or []):
        for key, url_key in _IMAGE_KEYS:
            url = (embed.get(key) or {}).get(url_key) if isinstance(embed, dict) else None
            if not isinstance(url, str) or not url.startswith(ATTACHMENT_URL):
                continue
            name = url[len(ATTACHMENT_URL) :]
            where = (*prefix, "embeds", e, key, url_key)
            if not REFERABLE_NAME.match(name):
                found.append(Violation(where, f"{name!r} cannot be an attachment:// filename"))
            elif name not in names:
                found.append(Violation(where, f"{url!r} names no uploaded file"))
    return found


def attachments_payload(
    uploads: list[Upload], message: dict[str, Any], ids: list[int], cdn: str
) -> list[dict[str, Any]]:
    """The ``attachments`` of the message Discord creates from the uploads (with the
    descriptions the body gave them)."""
    described = {
        a.get("id"): a.get("description")
        for a in message.get("attachments") or []
        if isinstance(a, dict)
    }
    out = []
    for upload, attachment_id in zip(uploads, ids, strict=True):
        url = f"{cdn}/{attachment_id}/{upload.filename}"
        payload: dict[str, Any] = {
            "id": str(attachment_id),
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url,
            # Discord types a file itself; discord.py declares every one octet-stream.
            "content_type": mimetypes.guess_type(upload.filename)[0] or upload.content_type,
        }
        description = described.get(upload.index, described.get(str(upload.index)))
        if description:
            payload["description"] = description
        out.append(payload)
    return out
