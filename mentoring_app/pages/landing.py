"""The public landing page: what the platform is, for visitors."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.layout import page_shell


def _step(number: str, title: str, text: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.badge(number, size="2", radius="full"),
            rx.heading(title, as_="h3", size="4"),
            rx.text(text, color=style.MUTED_COLOR),
            spacing="2",
        ),
        size="2",
    )


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.vstack(
                rx.heading("Mentoring for language professionals", as_="h1", size="8"),
                rx.text(
                    "Translators, interpreters and language teachers helping each other grow. Find a mentor "
                    "who knows your languages, your region and your specialism, agree goals together, and "
                    "reach them.",
                    size="4",
                    color=style.MUTED_COLOR,
                ),
                rx.hstack(
                    rx.button(rx.link("Register", href=routes.REGISTER), as_child=True, size="3"),
                    rx.button(
                        rx.link("Log in", href=routes.LOGIN), as_child=True, size="3", variant="outline"
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="4",
                padding_y="2rem",
            ),
            rx.heading("How it works", as_="h2", size="6"),
            rx.grid(
                _step(
                    "1", "Join", "Register as a mentor, a mentee, or both. Membership is free for members."
                ),
                _step(
                    "2",
                    "Describe yourself",
                    "Your region, working languages, specialisms and the support you offer or need.",
                ),
                _step(
                    "3",
                    "Find the right match",
                    "Mentees search mentors by what matters to them and send a mentoring request.",
                ),
                _step(
                    "4",
                    "Work together",
                    "Prepare a first conversation, set SMART goals, record milestones and meetings.",
                ),
                columns={"initial": "1", "sm": "2", "md": "4"},
                spacing="4",
                width="100%",
            ),
            rx.heading("Who it is for", as_="h2", size="6", padding_top="1rem"),
            rx.grid(
                rx.card(
                    rx.heading("Mentees", as_="h3", size="4"),
                    rx.text(
                        "Starting as a freelancer, preparing for an exam, becoming chartered, or moving "
                        "into a new specialism: get guidance from someone who has done it.",
                        color=style.MUTED_COLOR,
                    ),
                ),
                rx.card(
                    rx.heading("Mentors", as_="h3", size="4"),
                    rx.text(
                        "Share what you know, at your own pace: you choose how many mentees you take on "
                        "and when you are available. Mentoring counts towards your CPD.",
                        color=style.MUTED_COLOR,
                    ),
                ),
                columns={"initial": "1", "sm": "2"},
                spacing="4",
                width="100%",
            ),
            spacing="5",
            width="100%",
        )
    )
