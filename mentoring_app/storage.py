"""Uploads: member photos and admins' guide videos, checked by content, stored under random names.

A photo is accepted only if Pillow decodes it as a JPEG, PNG or WebP image of at most 5 MB and a
sane pixel count. It is re-encoded as a fresh JPEG (dropping metadata and anything hidden in the
original) under a random name in Reflex's upload folder, served at ``/_upload/<name>``.

Lists (Find mentor's results, the shortlist, Home's suggestions) show faces of 40 to 64 pixels, so
each photo also gets a thumbnail of at most ``THUMB_SIZE`` (``<name>`` with ``.thumb.jpg``), which
those lists load instead of the 800-pixel photo: a few kilobytes a face instead of tens. A photo
stored before thumbnails existed gets its thumbnail on the first request for it
(web/upload_guard.py calls ``ensure_thumbnail``).
"""

from __future__ import annotations

import re
import secrets
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from mentoring_app.services.errors import ValidationFailed
from mentoring_app.settings import get_settings

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
PHOTO_SIZE = (800, 800)
THUMB_SIZE = (160, 160)  # faces in lists are 40-64 px: sharp at 2.5x
THUMB_SUFFIX = ".thumb.jpg"
PHOTO_NAME = re.compile(r"photo-[A-Za-z0-9_-]+\.jpg")
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def upload_dir() -> Path:
    from reflex_components_core.core.upload import get_upload_dir

    return Path(get_upload_dir())


def photo_url(name: str | None) -> str:
    """Where the browser loads a stored photo from ("" when there is none)."""
    return f"{get_settings().app_url}/_upload/{name}" if name else ""


def thumb_name(name: str) -> str:
    """The file name of a stored photo's thumbnail."""
    return name.removesuffix(".jpg") + THUMB_SUFFIX


def photo_of_thumb(name: str) -> str | None:
    """The stored photo a thumbnail name belongs to (None: not a thumbnail name of ours)."""
    if not name.endswith(THUMB_SUFFIX):
        return None
    photo = name.removesuffix(THUMB_SUFFIX) + ".jpg"
    return photo if PHOTO_NAME.fullmatch(photo) else None


def thumb_url(name: str | None) -> str:
    """Where a list loads a stored photo's thumbnail from ("" when there is none)."""
    return photo_url(thumb_name(name)) if name else ""


def _save_thumbnail(picture: Image.Image, folder: Path, name: str) -> None:
    """Write the thumbnail under a temporary name, then rename it: two requests making the same
    thumbnail at once never serve a half-written file."""
    thumb = picture.copy()
    thumb.thumbnail(THUMB_SIZE)
    partial = folder / f"{thumb_name(name)}.{secrets.token_hex(4)}.part"
    thumb.save(partial, format="JPEG", quality=85)
    partial.replace(folder / thumb_name(name))


def has_thumbnail(name: str) -> bool:
    """Whether a stored photo's thumbnail is on disk."""
    return (upload_dir() / thumb_name(name)).exists()


def ensure_thumbnail(name: str) -> bool:
    """Make the thumbnail of a photo stored without one; True if it exists now (False: no such
    photo, not a name of ours, or a file Pillow cannot read)."""
    if not PHOTO_NAME.fullmatch(name):
        return False
    if has_thumbnail(name):
        return True
    folder = upload_dir()
    try:
        with Image.open(folder / name) as image:
            image.draft("RGB", THUMB_SIZE)  # JPEG decodes at a fraction of its size: much faster
            _save_thumbnail(image.convert("RGB"), folder, name)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        return False  # no such photo, or not one we can read: the request finds nothing
    return True


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
    _save_thumbnail(picture, folder, name)
    return name


def delete_photo(name: str | None) -> None:
    """Remove a photo file that is no longer used (names are ours, never a user's path)."""
    if name and name.startswith("photo-") and "/" not in name:
        (upload_dir() / name).unlink(missing_ok=True)
        (upload_dir() / thumb_name(name)).unlink(missing_ok=True)


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
