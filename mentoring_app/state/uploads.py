"""Reading an uploaded file with a hard cap, a chunk at a time.

The upload gate (web/upload_guard.py) already bounds the request body; this bounds what a handler
holds in memory, so an over-size file costs at most one chunk past the cap before it is refused.
"""

from __future__ import annotations

import reflex as rx

CHUNK_BYTES = 1024 * 1024


async def read_capped(file: rx.UploadFile, limit: int) -> bytes | None:
    """The file's bytes, or None as soon as it proves larger than ``limit``."""
    if file.size is not None and file.size > limit:
        return None
    parts: list[bytes] = []
    total = 0
    while chunk := await file.read(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            return None
        parts.append(chunk)
    return b"".join(parts)


def megabytes(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB"
