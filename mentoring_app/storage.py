"""Uploads: member photos and admins' guide videos, checked by content, stored under random names.

A photo is accepted only if Pillow decodes it as a JPEG, PNG or WebP image of at most 5 MB and a
sane pixel count. It is re-encoded as a fresh JPEG (dropping metadata and anything hidden in the
original) under a random name in Reflex's upload folder, served at ``/_upload/<name>``.
"""

from __future__ import annotations

import secrets
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from mentoring_app.services.errors import ValidationFailed
from mentoring_app.settings import get_settings

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
PHOTO_SIZE = (800, 800)
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def upload_dir() -> Path:
    from reflex_components_core.core.upload import get_upload_dir

    return Path(get_upload_dir())


def photo_url(name: str | None) -> str:
    """Where the browser loads a stored photo from ("" when there is none)."""
    return f"{get_settings().app_url}/_upload/{name}" if name else ""


def store_photo(data: bytes) -> str:
    """Check and re-encode an uploaded photo; return its new random file name."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationFailed({"photo": "Choose a photo of at most 5 MB."})
    try:
        with Image.open(BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        with Image.open(BytesIO(data)) as image:
            image.load()
            picture = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationFailed(
            {"photo": "That file is not a JPEG, PNG or WebP picture we can read."}
        ) from error
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationFailed({"photo": "Choose a JPEG, PNG or WebP picture."})
    picture.thumbnail(PHOTO_SIZE)
    name = f"photo-{secrets.token_urlsafe(18)}.jpg"
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    picture.save(folder / name, format="JPEG", quality=85)
    return name


def delete_photo(name: str | None) -> None:
    """Remove a photo file that is no longer used (names are ours, never a user's path)."""
    if name and name.startswith("photo-") and "/" not in name:
        (upload_dir() / name).unlink(missing_ok=True)


MAX_VIDEO_BYTES = 100 * 1024 * 1024
VIDEO_FORMATS = {"mp4": "MP4", "webm": "WebM"}


def _video_format(head: bytes) -> str | None:
    """The container a video file really is, from its first bytes (not from its name)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def store_video(data: bytes) -> str:
    """Check an uploaded video by content and size; store it under a random name; return it."""
    if not data:
        raise ValidationFailed({"video_file": "That file is empty."})
    if len(data) > MAX_VIDEO_BYTES:
        raise ValidationFailed(
            {"video_file": "Choose a video of at most 100 MB, or give a web link instead."}
        )
    kind = _video_format(data[:16])
    if kind is None:
        raise ValidationFailed({"video_file": "That file is not an MP4 or WebM video."})
    name = f"video-{secrets.token_urlsafe(18)}.{kind}"
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return name


def upload_url(name: str | None) -> str:
    """Where the browser loads a stored upload from ("" when there is none)."""
    return f"{get_settings().app_url}/_upload/{name}" if name else ""
