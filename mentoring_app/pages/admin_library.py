"""Admin: guides and videos (list with retired ones, add, edit, retire, restore)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.admin import admin_page, section
from mentoring_app.components.forms import field
from mentoring_app.models.guides import STAGES
from mentoring_app.state.admin_library import AdminLibraryState, GuideRowView, VideoRowView
from mentoring_app.storage import MAX_VIDEO_BYTES

S = AdminLibraryState


def _status(retired: rx.Var) -> rx.Component:
    return rx.cond(
        retired,
        rx.badge("Retired", color_scheme="gray", high_contrast=True),
        rx.badge("In use", color_scheme="green", high_contrast=True),
    )


def _guide_row(g: rx.Var[GuideRowView]) -> rx.Component:
    gid, title, retired = g["id"].to(int), g["title"].to(str), g["retired"].to(bool)
    return rx.table.row(
        rx.table.row_header_cell(rx.link(title, href=g["url"].to(str), underline="always")),
        rx.table.cell(g["stage"].to(str)),
        rx.table.cell(
            _status(retired), rx.cond(g["built_in"].to(bool), rx.text(" built in", as_="span", size="1"))
        ),
        rx.table.cell(g["updated"].to(str)),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Edit", size="1", variant="soft", aria_label="Edit " + title, on_click=S.edit_guide(gid)
                ),
                rx.cond(
                    retired,
                    rx.button(
                        "Restore",
                        size="1",
                        variant="soft",
                        aria_label="Restore " + title,
                        on_click=S.restore_guide(gid),
                    ),
                    rx.button(
                        "Retire",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        aria_label="Retire " + title,
                        on_click=S.retire_guide(gid),
                    ),
                ),
                spacing="2",
            )
        ),
    )


def _video_row(v: rx.Var[VideoRowView]) -> rx.Component:
    vid, title, retired = v["id"].to(int), v["title"].to(str), v["retired"].to(bool)
    return rx.table.row(
        rx.table.row_header_cell(title),
        rx.table.cell(v["stage"].to(str)),
        rx.table.cell(
            _status(retired), rx.cond(v["built_in"].to(bool), rx.text(" built in", as_="span", size="1"))
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    retired,
                    rx.button(
                        "Restore",
                        size="1",
                        variant="soft",
                        aria_label="Restore " + title,
                        on_click=S.restore_video(vid),
                    ),
                    rx.fragment(
                        rx.button(
                            "Edit",
                            size="1",
                            variant="soft",
                            aria_label="Edit " + title,
                            on_click=S.edit_video(vid),
                        ),
                        rx.button(
                            "Retire",
                            size="1",
                            variant="soft",
                            color_scheme="red",
                            aria_label="Retire " + title,
                            on_click=S.retire_video(vid),
                        ),
                    ),
                ),
                spacing="2",
            )
        ),
    )


def _table(headers: tuple[str, ...], rows: rx.Var, render, label: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*(rx.table.column_header_cell(h) for h in headers))),
            rx.table.body(rx.foreach(rows, render)),
            variant="surface",
            size="1",
            width="100%",
            aria_label=label,
        ),
        overflow_x="auto",
        width="100%",
    )


def _stage_select() -> rx.Component:
    error = S.errors["stage"].to(str)
    return rx.el.div(
        rx.el.label("Stage", html_for="field-stage", style={"font_weight": "500", "display": "block"}),
        rx.el.select(
            *(rx.el.option(label, value=key) for key, label in STAGES.items()),
            id="field-stage",
            name="stage",
            default_value=S.editor["stage"].to(str),
            aria_invalid=rx.cond(error, "true", "false"),
            style={
                "padding": "0.4rem",
                "border": "1px solid var(--gray-a7)",
                "border_radius": "var(--radius-2)",
                "background": "var(--color-surface)",
            },
        ),
        rx.cond(error, rx.text(error, size="2", color=style.ERROR_COLOR, role="alert")),
        style={"display": "flex", "flex_direction": "column", "gap": "0.35rem"},
    )


def _editor_buttons(save: str) -> rx.Component:
    return rx.hstack(
        rx.button(save, type="submit", disabled=~rx.State.is_hydrated),
        rx.button("Cancel", type="button", variant="soft", color_scheme="gray", on_click=S.close_editor),
        spacing="3",
    )


def _guide_editor() -> rx.Component:
    e = S.editor
    is_new = e["id"].to(int) == 0
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(
                    rx.cond(is_new, "Add a guide", "Edit guide: " + e["title"].to(str)), as_="h2", size="5"
                ),
                rx.el.input(type="hidden", name="id", value=e["id"].to(int).to_string()),
                field("Title", "title", errors=S.errors, default_value=e["title"].to(str), max_length=150),
                _stage_select(),
                rx.cond(
                    is_new,
                    field(
                        "Address (slug)",
                        "slug",
                        errors=S.errors,
                        hint="Lower-case words joined by hyphens, e.g. active-listening. It stays the same.",
                        max_length=80,
                    ),
                    rx.text("Address: ", e["slug"].to(str), size="2", color=style.MUTED_COLOR),
                ),
                field(
                    "Summary",
                    "summary",
                    errors=S.errors,
                    default_value=e["summary"].to(str),
                    required=False,
                    multiline=True,
                    rows="2",
                    max_length=400,
                ),
                field(
                    "Text (Markdown)",
                    "body_markdown",
                    errors=S.errors,
                    default_value=e["body"].to(str),
                    multiline=True,
                    rows="14",
                    hint="Headings with #, lists with -, links as [words](https://…). HTML is shown as text.",
                ),
                _editor_buttons("Save guide"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_guide,
            reset_on_submit=False,
            aria_label="Guide",
            key=S.editor_key.to_string(),
        ),
        width="100%",
    )


VIDEO_UPLOAD_ID = "video-file"


def _video_upload() -> rx.Component:
    """Or an uploaded file instead of a web address (MP4 or WebM, checked by its content)."""
    error = S.errors["video_file"].to(str)
    zone = rx.upload.root(
        rx.button("Upload a video file", type="button", variant="soft", high_contrast=True),
        id=VIDEO_UPLOAD_ID,
        accept={"video/mp4": [".mp4"], "video/webm": [".webm"]},
        max_files=1,
        max_size=MAX_VIDEO_BYTES,
        on_drop_rejected=S.video_rejected,
        on_drop=S.upload_video(rx.upload_files(upload_id=VIDEO_UPLOAD_ID)),
    )
    for child in zone.children[0].children:  # Reflex's file input has no label of its own
        if type(child).__name__ == "Input":
            child.custom_attrs["aria-label"] = "Video file"
    return rx.vstack(
        rx.text("Or upload the video (MP4 or WebM, at most 100 MB)", weight="medium"),
        zone,
        rx.cond(
            S.video_file != "",
            rx.hstack(
                rx.text("Uploaded: ", S.video_file, size="2"),
                rx.button(
                    "Remove the file", type="button", size="1", variant="ghost", on_click=S.forget_video_file
                ),
                align="center",
            ),
        ),
        rx.cond(error, rx.text(error, size="2", color=style.ERROR_COLOR, role="alert")),
        spacing="2",
        width="100%",
    )


def _video_editor() -> rx.Component:
    e = S.editor
    is_new = e["id"].to(int) == 0
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(
                    rx.cond(is_new, "Add a video", "Edit video: " + e["title"].to(str)), as_="h2", size="5"
                ),
                rx.el.input(type="hidden", name="id", value=e["id"].to(int).to_string()),
                field("Title", "title", errors=S.errors, default_value=e["title"].to(str), max_length=150),
                _stage_select(),
                field(
                    "Web address of the video",
                    "url",
                    errors=S.errors,
                    default_value=e["url"].to(str),
                    input_type="url",
                    required=False,
                    hint="Starting with https://",
                    max_length=500,
                ),
                _video_upload(),
                field(
                    "Transcript",
                    "transcript",
                    errors=S.errors,
                    default_value=e["transcript"].to(str),
                    multiline=True,
                    required=False,
                    rows="8",
                ),
                _editor_buttons("Save video"),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_video,
            reset_on_submit=False,
            aria_label="Video",
            key=S.editor_key.to_string(),
        ),
        width="100%",
    )


def page() -> rx.Component:
    return admin_page(
        "Guides and videos",
        routes.ADMIN_LIBRARY,
        rx.hstack(
            rx.button("Add a guide", on_click=S.new_guide),
            rx.button("Add a video", variant="outline", on_click=S.new_video),
            spacing="3",
        ),
        rx.match(
            S.editing,
            ("guide", _guide_editor()),
            ("video", _video_editor()),
            rx.fragment(),
        ),
        rx.cond(
            S.loaded,
            rx.vstack(
                section(
                    "Guides",
                    _table(
                        ("Title", "Stage", "Status", "Updated", "Actions"), S.guides, _guide_row, "Guides"
                    ),
                ),
                section(
                    "Videos", _table(("Title", "Stage", "Status", "Actions"), S.videos, _video_row, "Videos")
                ),
                spacing="5",
                width="100%",
            ),
            rx.text("Loading the library…"),
        ),
    )
