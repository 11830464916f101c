"""The page a check-in email's 1-5 buttons open (no log-in needed to answer)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.forms import form_card
from mentoring_app.components.layout import page_shell
from mentoring_app.state.checkin_link import CheckinLinkState as S


def page() -> rx.Component:
    done = rx.vstack(
        rx.callout(S.message, icon="circle_check", role="status", width="100%"),
        rx.text("Only you and the platform's staff see your answer, never your mentoring partner."),
        rx.text("Want to say more? A note needs you to log in."),
        rx.link("Add a note", href=S.note_url, underline="always"),
        spacing="3",
    )
    refused = rx.vstack(
        rx.callout(S.message, icon="triangle_alert", color_scheme="red", role="alert", width="100%"),
        rx.link("Log in", href=routes.LOGIN, underline="always"),
        spacing="3",
    )
    return page_shell(
        form_card(
            "Check-in",
            rx.cond(
                S.link_checked,
                rx.cond(S.link_ok, done, refused),
                rx.text("Recording your answer…", role="status"),
            ),
        )
    )
