"""Guides and videos: the library by stage, and one guide to read."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from mentoring_app import routes, timefmt
from mentoring_app.components.video import VideoItem
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.library import guides
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState
from mentoring_app.storage import upload_url


class ShelfGuide(TypedDict):
    title: str
    url: str
    summary: str
    minutes: int


ShelfVideo = VideoItem


class Shelf(TypedDict):
    stage: str
    label: str
    guides: list[ShelfGuide]
    videos: list[ShelfVideo]


class LibraryState(SessionState):
    shelves: list[Shelf] = []

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        if user is None:
            return
        found = await call(guides.library, actor=user)
        self.shelves = [
            Shelf(
                stage=shelf.stage,
                label=shelf.label,
                guides=[
                    ShelfGuide(
                        title=g.title,
                        url=f"{routes.GUIDES}/{g.slug}",
                        summary=g.summary,
                        minutes=g.reading_minutes,
                    )
                    for g in shelf.guides
                ],
                videos=[
                    ShelfVideo(
                        title=v.title,
                        url=v.url or "",
                        file_url=upload_url(v.file_name),
                        captions_url=upload_url(v.captions_file_name),
                        transcript=v.transcript,
                    )
                    for v in shelf.videos
                ],
            )
            for shelf in found
        ]


class GuideState(SessionState):
    loaded: bool = False
    found: bool = False
    title: str = ""
    stage_label: str = ""
    minutes: int = 0
    updated: str = ""
    body: str = ""  # Markdown made safe by the service (no raw HTML, only web and mail links)

    @rx.event
    async def load(self) -> None:
        self.loaded, self.found = False, False
        user = await self._current_member()
        slug = self.router.url.path.rstrip("/").rsplit("/", 1)[-1]
        if user is None:
            return
        try:
            view = await call(guides.guide, actor=user, slug=slug)
        except ServiceError:
            self.loaded = True
            return
        self.title, self.stage_label, self.minutes = view.title, view.stage_label, view.reading_minutes
        self.updated = timefmt.show(view.updated_at, self.time_zone, timefmt.DAY)
        self.body = view.body_markdown
        self.loaded = self.found = True
