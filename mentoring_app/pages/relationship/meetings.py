"""Meetings: log one, schedule the next in the member's time zone, and its calendar invite."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.forms import field
from mentoring_app.pages.relationship.common import (
    S,
    guides_for_stage,
    heading,
    muted,
)
from mentoring_app.state.dashboard_meetings import PICKER_ID, MeetingCard, SlotDay, SlotTime


def _meeting(meeting: rx.Var[MeetingCard], planned: bool) -> rx.Component:
    meeting_id = meeting["id"].to(int)
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(meeting["when"].to(str), weight="bold"),
                    muted(meeting["duration"].to(str)),
                    wrap="wrap",
                ),
                rx.cond(
                    meeting["place_link"].to(str) != "",
                    rx.link(meeting["place"].to(str), href=meeting["place_link"].to(str), is_external=True),
                    rx.cond(meeting["place"].to(str) != "", rx.text(meeting["place"].to(str))),
                ),
                rx.cond(
                    meeting["agenda"].to(str) != "",
                    rx.text("Agenda: ", meeting["agenda"].to(str), white_space="pre-wrap"),
                ),
                rx.cond(
                    meeting["notes"].to(str) != "",
                    rx.text("Notes: ", meeting["notes"].to(str), white_space="pre-wrap"),
                ),
                rx.cond(
                    meeting["next_steps"].to(str) != "",
                    rx.text("Next steps: ", meeting["next_steps"].to(str), white_space="pre-wrap"),
                ),
                rx.hstack(
                    rx.cond(
                        meeting["can_edit"].to(bool),
                        rx.button(
                            "Move to another time",
                            size="2",
                            variant="soft",
                            high_contrast=True,
                            on_click=S.open_move(meeting_id),
                            aria_label="Move to another time: the meeting on "
                            + meeting["when_label"].to(str),
                        ),
                    ),
                    rx.button(
                        "Download calendar invite",
                        size="2",
                        variant="soft",
                        high_contrast=True,
                        on_click=S.download_invite(meeting_id),
                    ),
                    rx.cond(
                        meeting["can_edit"].to(bool),
                        rx.button(
                            "Cancel meeting",
                            aria_label="Cancel meeting on " + meeting["when_label"].to(str),
                            size="2",
                            variant="outline",
                            high_contrast=True,
                            color_scheme="red",
                            on_click=S.cancel_meeting(meeting_id),
                        ),
                    ),
                    wrap="wrap",
                )
                if planned
                else rx.fragment(),
                spacing="1",
                width="100%",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def _slot_day(day: rx.Var[SlotDay]) -> rx.Component:
    return rx.el.li(
        rx.heading(day["day"].to(str), as_="h4", size="3"),
        rx.flex(
            rx.foreach(
                day["times"].to(list[SlotTime]),
                lambda slot: rx.button(
                    slot["time"].to(str),
                    size="2",
                    variant="outline",
                    high_contrast=True,
                    aria_label=slot["label"].to(str),
                    on_click=S.book_slot(slot["value"].to(str)),
                ),
            ),
            spacing="2",
            wrap="wrap",
            padding_top="0.35rem",
        ),
        style={"list_style": "none"},
    )


def book() -> rx.Component:
    """Book a meeting from the mentor's free times (worked out only when opened)."""
    return rx.card(
        rx.vstack(
            rx.heading(
                rx.cond(S.picker_moving > 0, "Choose a new time", "Book a meeting"), as_="h3", size="4"
            ),
            muted(
                "Free times from the mentor's availability for the next three weeks, in your time zone: ",
                S.time_zone_label,
                ". You both get the calendar invite by email.",
            ),
            rx.cond(
                S.picker_open,
                rx.vstack(
                    rx.cond(
                        S.booking_error != "",
                        rx.callout(
                            S.booking_error,
                            icon="triangle_alert",
                            color_scheme="red",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    rx.cond(S.picker_note != "", rx.text(S.picker_note)),
                    rx.el.ul(
                        rx.foreach(S.picker_days, _slot_day),
                        style={**style.CARD_LIST, "display": "grid", "gap": "0.75rem"},
                        aria_label="Free times",
                    ),
                    rx.button("Close the free times", variant="soft", on_click=S.close_booking),
                    width="100%",
                ),
                rx.button("Book a meeting", on_click=S.open_booking, disabled=~rx.State.is_hydrated),
            ),
            width="100%",
        ),
        id=PICKER_ID,
        width="100%",
    )


def first_meeting_prompt() -> rx.Component:
    """The mentee's first prompt after acceptance, until a meeting is booked or held."""
    return rx.cond(
        (S.my_role == "mentee") & ~S.read_only & (S.meetings_held == 0) & (S.planned_meetings.length() == 0),
        rx.callout.root(
            rx.callout.icon(rx.icon("calendar")),
            rx.vstack(
                rx.callout.text(
                    "Your first step: book your first meeting with ",
                    S.partner_name,
                    " from their free times.",
                ),
                rx.button(
                    "Book your first meeting", on_click=S.book_first_meeting, disabled=~rx.State.is_hydrated
                ),
                spacing="2",
            ),
            high_contrast=True,
            width="100%",
        ),
    )


def meetings() -> rx.Component:
    schedule = rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Schedule the next meeting", as_="h3", size="4"),
                muted("Times are in your time zone: ", S.time_zone_label, "."),
                rx.flex(
                    field(
                        "Date",
                        "meeting_date",
                        errors=S.schedule_errors,
                        input_type="date",
                        error_key="starts_at",
                    ),
                    field("Time", "meeting_time", errors=S.schedule_errors, input_type="time"),
                    field(
                        "Length (minutes)",
                        "duration_minutes",
                        errors=S.schedule_errors,
                        input_type="number",
                        default_value="60",
                    ),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                field(
                    "Where (a place, a phone number or a video link)",
                    "place",
                    errors=S.schedule_errors,
                    required=False,
                    max_length=300,
                ),
                field(
                    "Agenda (optional)",
                    "agenda",
                    errors=S.schedule_errors,
                    required=False,
                    multiline=True,
                    rows="2",
                ),
                rx.button("Schedule meeting", type="submit", disabled=~rx.State.is_hydrated),
                width="100%",
            ),
            key=S.meeting_form_key,
            on_submit=S.schedule_meeting,
            aria_label="Schedule the next meeting",
        ),
        width="100%",
    )
    log = rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Log a meeting", as_="h3", size="4"),
                rx.flex(
                    field("Date held", "held_on", errors=S.log_errors, input_type="date"),
                    field(
                        "Length (minutes)",
                        "held_minutes",
                        errors=S.log_errors,
                        input_type="number",
                        error_key="duration_minutes",
                        default_value="60",
                    ),
                    spacing="3",
                    wrap="wrap",
                    width="100%",
                ),
                field("Notes", "notes", errors=S.log_errors, required=False, multiline=True, rows="3"),
                field(
                    "Next steps", "next_steps", errors=S.log_errors, required=False, multiline=True, rows="2"
                ),
                rx.button("Log meeting", type="submit", disabled=~rx.State.is_hydrated),
                width="100%",
            ),
            key=S.meeting_form_key,
            on_submit=S.log_meeting,
            aria_label="Log a meeting",
        ),
        width="100%",
    )
    return rx.vstack(
        heading("Meetings"),
        rx.heading("Planned", as_="h3", size="4"),
        rx.cond(
            S.planned_meetings.length() > 0,
            rx.el.ul(
                rx.foreach(S.planned_meetings, lambda m: _meeting(m, True)),
                style=style.CARD_LIST,
                aria_label="Planned meetings",
            ),
            muted("No meeting planned."),
        ),
        rx.cond(~S.read_only, book()),
        rx.cond(~S.read_only, schedule),
        rx.heading("Held", as_="h3", size="4"),
        rx.cond(
            S.held_meetings.length() > 0,
            rx.el.ul(
                rx.foreach(S.held_meetings, lambda m: _meeting(m, False)),
                style=style.CARD_LIST,
                aria_label="Meetings held",
            ),
            muted("No meeting logged yet. Meetings you log count towards your CPD record."),
        ),
        rx.cond(~S.read_only, log),
        guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )
