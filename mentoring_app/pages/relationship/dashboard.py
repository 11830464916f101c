"""The relationship dashboard: Progress at a glance, then Details, Messages, Tools, Goals, Meetings,
Guides and videos, and Ending, for the two members of one relationship."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.layout import page_shell
from mentoring_app.pages.relationship.checkin import checkin
from mentoring_app.pages.relationship.common import S, heading, muted, read_only_note, stat
from mentoring_app.pages.relationship.conversation import messages
from mentoring_app.pages.relationship.details import details
from mentoring_app.pages.relationship.ending import ending
from mentoring_app.pages.relationship.goals import goals
from mentoring_app.pages.relationship.guides import guides
from mentoring_app.pages.relationship.meetings import first_meeting_prompt, meetings
from mentoring_app.pages.relationship.survey import survey
from mentoring_app.pages.relationship.tools import tools

TABS = (
    ("details", "Details"),
    ("messages", "Messages"),
    ("tools", "Tools"),
    ("goals", "Goals"),
    ("meetings", "Meetings"),
    ("guides", "Guides and videos"),
    ("ending", "Ending"),
)


def _progress_at_a_glance() -> rx.Component:
    return rx.el.section(
        heading("Progress at a glance"),
        rx.cond(
            S.glance_journey > 1,
            muted(
                "Journey ",
                S.glance_journey.to_string(),
                ": its goals and meetings. Earlier journeys stay on record.",
            ),
        ),
        rx.flex(
            stat("Goals achieved", S.goals_achieved.to_string() + " of " + S.goals_total.to_string()),
            stat("Milestones done", S.milestones_done.to_string() + " of " + S.milestones_total.to_string()),
            stat("Meetings held", S.glance_meetings.to_string(), S.glance_time + " in meetings"),
            stat("Since last contact", S.days_since_contact),
            wrap="wrap",
            spacing="3",
            padding_top="0.5rem",
        ),
        aria_label="Progress at a glance",
        width="100%",
    )


SECTION_VIEWS = {
    "details": details,
    "messages": messages,
    "tools": tools,
    "goals": goals,
    "meetings": meetings,
    "guides": guides,
    "ending": ending,
}


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.heading("Mentoring with ", S.partner_name, as_="h1", size="7"),
        rx.hstack(
            rx.badge(S.status_label, size="2", high_contrast=True),
            muted("You are the ", S.my_role, ". Journey ", S.journey_number.to_string(), "."),
            align="center",
            wrap="wrap",
        ),
        read_only_note(),
        first_meeting_prompt(),
        survey(),
        checkin(),
        _progress_at_a_glance(),
        rx.tabs.root(
            rx.tabs.list(
                *(rx.tabs.trigger(label, value=key) for key, label in TABS),
                style={"flex_wrap": "wrap"},
                aria_label="Dashboard sections",
            ),
            *(rx.tabs.content(SECTION_VIEWS[key](), value=key, padding_top="1rem") for key, _ in TABS),
            value=S.section,
            on_change=S.open_section,
            # A tab opens on click or Enter, not on focus too: one server event per opened section
            # (on focus, a click asked for the same section twice while the first was in flight).
            activation_mode="manual",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.found,
                _dashboard(),
                rx.vstack(
                    rx.heading("Relationship not found", as_="h1", size="6"),
                    rx.text("That relationship could not be found, or it is not one of yours."),
                    rx.link("Back to your home page", href=routes.HOME, underline="always"),
                ),
            ),
            rx.text("Loading the relationship…"),
        )
    )
