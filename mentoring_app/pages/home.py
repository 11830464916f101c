"""A member's home page: what to do next, for the roles they have."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.layout import page_shell
from mentoring_app.state.session import SessionState


def _next_step(title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, as_="h3", size="4"), rx.text(text, color=style.MUTED_COLOR), spacing="2"),
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            SessionState.signed_in,
            rx.vstack(
                rx.heading("Welcome, ", SessionState.member_name, as_="h1", size="7"),
                rx.hstack(
                    rx.cond(SessionState.is_mentor, rx.badge("Mentor", size="2", high_contrast=True)),
                    rx.cond(
                        SessionState.is_mentee,
                        rx.badge("Mentee", size="2", color_scheme="blue", high_contrast=True),
                    ),
                    rx.cond(
                        SessionState.is_admin,
                        rx.badge("Admin", size="2", color_scheme="orange", high_contrast=True),
                    ),
                ),
                rx.heading("What to do next", as_="h2", size="5", padding_top="0.5rem"),
                rx.cond(
                    SessionState.is_mentee,
                    _next_step(
                        "Complete your profile",
                        "Tell mentors what you want help with, and choose the criteria you are looking for: "
                        "region, languages, specialisms and areas of support. Find mentor starts from them.",
                    ),
                ),
                rx.cond(
                    SessionState.is_mentor,
                    _next_step(
                        "Complete your mentor profile",
                        "Add a headline, your region, working languages and specialisms, how many "
                        "mentees you can take at once, and whether you are available for new mentees. "
                        "Search only shows "
                        "mentors whose profile is complete enough to match.",
                    ),
                ),
                rx.cond(
                    SessionState.is_admin,
                    _next_step(
                        "Look after the platform",
                        "Find members, deactivate accounts that should not be used, and make other staff "
                        "admins.",
                    ),
                ),
                rx.cond(
                    SessionState.is_admin,
                    rx.button(rx.link("Manage members", href=routes.ADMIN_MEMBERS), as_child=True, size="3"),
                ),
                _next_step(
                    "Keep your account safe",
                    "Use a password you use nowhere else. You can change it at any time from Account.",
                ),
                spacing="4",
                width="100%",
            ),
            rx.text("Loading your home page…"),
        )
    )
