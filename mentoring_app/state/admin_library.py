"""Admin: the guides and videos library (add, edit, retire, restore).

Only one form is open at a time (a guide or a video); its field errors come from services/guides.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx
from reflex_base.utils.form import FormData

from mentoring_app import routes, timefmt
from mentoring_app.models.guides import STAGES
from mentoring_app.services.errors import NotAllowed, ServiceError, ValidationFailed
from mentoring_app.services.library import guides
from mentoring_app.services.staff.admin_access import require_admin
from mentoring_app.state.db_calls import call
from mentoring_app.state.payload import as_id
from mentoring_app.state.session import SessionState
from mentoring_app.state.uploads import megabytes, read_capped
from mentoring_app.storage import MAX_VIDEO_BYTES

LIMITS = {"slug": 80, "title": 150, "summary": 400, "body_markdown": 30_000, "url": 500, "transcript": 50_000}


class GuideRowView(TypedDict):
    id: int
    title: str
    stage: str
    built_in: bool
    retired: bool
    updated: str
    url: str


class VideoRowView(TypedDict):
    id: int
    title: str
    stage: str
    built_in: bool
    retired: bool


class EditorView(TypedDict):
    id: int
    slug: str
    title: str
    stage: str
    summary: str
    body: str
    url: str
    transcript: str


EMPTY_EDITOR = EditorView(
    id=0, slug="", title="", stage="preparing", summary="", body="", url="", transcript=""
)


VIDEO_TOO_BIG = (
    f"Choose an MP4 or WebM video of at most {megabytes(MAX_VIDEO_BYTES)}, or give a web link instead."
)


def _text(form: FormData | dict, name: str) -> str:
    value = form.get(name, "")
    return value[: LIMITS.get(name, 200) + 1] if isinstance(value, str) else ""


class AdminLibraryState(SessionState):
    guides: list[GuideRowView] = []
    videos: list[VideoRowView] = []
    loaded: bool = False
    editing: str = ""  # "", "guide" or "video"
    editor: EditorView = EMPTY_EDITOR
    errors: dict[str, str] = {}
    editor_key: int = 0
    video_file: str = ""  # a video uploaded in the open editor (stored name), saved with it

    async def _reload(self) -> None:
        user = await self._current_member()
        try:
            guide_rows, video_rows = await call(guides.admin_library, actor=user)
        except ServiceError:
            self.guides, self.videos, self.loaded = [], [], False
            return
        tz = self.time_zone
        self.guides = [
            GuideRowView(
                id=g.id,
                title=g.title,
                stage=STAGES.get(g.stage, g.stage),
                built_in=g.built_in,
                retired=g.retired,
                updated=timefmt.show(g.updated_at, tz, timefmt.DAY),
                url=f"{routes.GUIDES}/{g.slug}",
            )
            for g in guide_rows
        ]
        self.videos = [
            VideoRowView(
                id=v.id,
                title=v.title,
                stage=STAGES.get(v.stage, v.stage),
                built_in=v.built_in,
                retired=v.retired,
            )
            for v in video_rows
        ]
        self.loaded = True

    @rx.event
    async def load(self) -> None:
        self.editing, self.errors = "", {}
        await self._reload()

    def _open(self, kind: str, editor: EditorView, video_file: str = "") -> None:
        self.editing, self.editor, self.errors, self.video_file = kind, editor, {}, video_file
        self.editor_key += 1

    @rx.event
    async def upload_video(self, files: list[rx.UploadFile]):
        """Keep an uploaded video (checked by the service) for the video being edited. The admin is
        checked before a byte is read, and the file is read a chunk at a time up to the cap."""
        user = await self._current_member()
        try:
            require_admin(user)
        except NotAllowed as refusal:
            return rx.toast.error(refusal.message)
        if not files:
            return None
        data = await read_capped(files[0], MAX_VIDEO_BYTES)
        if data is None:
            self.errors = {**self.errors, "video_file": VIDEO_TOO_BIG}
            return None
        try:
            self.video_file = await call(guides.store_video_file, actor=user, data=data)
        except ValidationFailed as invalid:
            self.errors = {**self.errors, **invalid.errors}
            return None
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.errors = {k: v for k, v in self.errors.items() if k not in ("video_file", "url")}
        return rx.toast.success("Video uploaded. Save the video to publish it.")

    @rx.event
    def video_rejected(self, _rejections: list) -> None:
        """The browser refused the file before sending it (too large or not MP4/WebM)."""
        self.errors = {**self.errors, "video_file": VIDEO_TOO_BIG}

    @rx.event
    def forget_video_file(self) -> None:
        self.video_file = ""

    @rx.event
    async def new_guide(self) -> None:
        if await self._current_member() is not None:
            self._open("guide", EMPTY_EDITOR)

    @rx.event
    async def new_video(self) -> None:
        if await self._current_member() is not None:
            self._open("video", EMPTY_EDITOR)

    @rx.event
    def close_editor(self) -> None:
        self.editing, self.errors = "", {}

    @rx.event
    async def edit_guide(self, guide_id: int | str):
        user = await self._current_member()
        try:
            found = await call(guides.guide_source, actor=user, guide_id=as_id(guide_id))
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self._open(
            "guide",
            EditorView(
                id=found.id,
                slug=found.slug,
                title=found.title,
                stage=found.stage,
                summary=found.summary,
                body=found.body_markdown,
                url="",
                transcript="",
            ),
        )
        return None

    @rx.event
    async def edit_video(self, video_id: int | str):
        user = await self._current_member()
        try:
            found = await call(guides.video_source, actor=user, video_id=as_id(video_id))
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self._open(
            "video",
            EditorView(
                id=found.id,
                slug="",
                title=found.title,
                stage=found.stage,
                summary="",
                body="",
                url=found.url,
                transcript=found.transcript,
            ),
            video_file=found.file_name,
        )
        return None

    async def _save(self, fn: Any, done: str, **kwargs: Any):
        user = await self._current_member()
        try:
            await call(fn, actor=user, **kwargs)
        except ValidationFailed as invalid:
            self.errors = dict(invalid.errors)
            return rx.toast.error("Not saved: see the messages next to the fields.")
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        self.editing, self.errors = "", {}
        await self._reload()
        return rx.toast.success(done)

    @rx.event
    async def save_guide(self, form: FormData):
        guide_id = as_id(form.get("id", ""))
        common = {
            "title": _text(form, "title"),
            "stage": _text(form, "stage"),
            "summary": _text(form, "summary"),
            "body_markdown": _text(form, "body_markdown"),
        }
        if not guide_id:
            return await self._save(
                guides.create_guide, "Added the guide.", slug=_text(form, "slug"), **common
            )
        return await self._save(guides.update_guide, "Saved the guide.", guide_id=guide_id, **common)

    @rx.event
    async def save_video(self, form: FormData):
        video_id = as_id(form.get("id", ""))
        common = {
            "title": _text(form, "title"),
            "stage": _text(form, "stage"),
            "url": _text(form, "url"),
            "transcript": _text(form, "transcript"),
        }
        file_name = "" if common["url"] else self.video_file
        if not video_id:
            return await self._save(guides.create_video, "Added the video.", file_name=file_name, **common)
        return await self._save(
            guides.update_video, "Saved the video.", video_id=video_id, file_name=file_name, **common
        )

    async def _toggle(self, fn: Any, done: str, **kwargs: Any):
        user = await self._current_member()
        try:
            await call(fn, actor=user, **kwargs)
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        await self._reload()
        return rx.toast.success(done)

    @rx.event
    async def retire_guide(self, guide_id: int | str):
        return await self._toggle(
            guides.retire_guide, "Retired the guide: members no longer see it.", guide_id=as_id(guide_id)
        )

    @rx.event
    async def restore_guide(self, guide_id: int | str):
        return await self._toggle(guides.restore_guide, "Restored the guide.", guide_id=as_id(guide_id))

    @rx.event
    async def retire_video(self, video_id: int | str):
        return await self._toggle(
            guides.retire_video, "Retired the video: members no longer see it.", video_id=as_id(video_id)
        )

    @rx.event
    async def restore_video(self, video_id: int | str):
        return await self._toggle(guides.restore_video, "Restored the video.", video_id=as_id(video_id))
