"""My profile's "Times for meetings" (mentors): what mentees book meetings from."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.forms import field
from mentoring_app.services.mentoring.availability import DAY_FIELDS, DAYS
from mentoring_app.state.profile import ProfileState as P


def availability_form() -> rx.Component:
    errors = P.availability_errors
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Times for meetings", as_="h2", size="5"),
                rx.text(
                    "Your mentees book meetings with you from these times, each shown in their own "
                    "time zone, for the next three weeks. Times you already have a meeting are left out.",
                    color=style.MUTED_COLOR,
                    size="2",
                ),
                field(
                    "Your time zone",
                    "time_zone",
                    errors=errors,
                    default_value=P.availability_zone,
                    hint="The hours below are in this zone, for example Europe/London.",
                    max_length=64,
                ),
                rx.heading("Weekly hours", as_="h3", size="4"),
                rx.text(
                    "For each day, the times you can meet, like 09:00-12:00, 14:00-17:00. "
                    "Leave a day empty if you do not meet that day.",
                    color=style.MUTED_COLOR,
                    size="2",
                ),
                rx.grid(
                    *(
                        field(
                            day,
                            name,
                            errors=errors,
                            default_value=P.availability_days[n],
                            required=False,
                            max_length=200,
                        )
                        for n, (day, name) in enumerate(zip(DAYS, DAY_FIELDS, strict=True))
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                field(
                    "Usual meeting length (minutes)",
                    "meeting_minutes",
                    errors=errors,
                    input_type="number",
                    default_value=P.availability_minutes,
                ),
                field(
                    "Video-call link (optional)",
                    "video_link",
                    errors=errors,
                    default_value=P.availability_link,
                    required=False,
                    hint="Any https:// address, like your Zoom or Teams room. It goes into the invites.",
                    max_length=500,
                ),
                field(
                    "Dates you are away (optional)",
                    "away",
                    errors=errors,
                    default_value=P.availability_away,
                    required=False,
                    multiline=True,
                    rows="3",
                    hint="One per line: a date like 2027-01-04, or a period like 2027-01-04 to 2027-01-08.",
                ),
                rx.box(
                    rx.button(
                        "Save times for meetings", type="submit", size="3", disabled=~rx.State.is_hydrated
                    ),
                ),
                spacing="4",
                width="100%",
            ),
            key=P.availability_form_key.to_string(),
            on_submit=P.save_availability,
            reset_on_submit=False,
            aria_label="Times for meetings",
        ),
        size="3",
        width="100%",
    )
