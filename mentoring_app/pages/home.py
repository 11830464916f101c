"""A member's home page: what to do next, for the roles they have."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.avatar import member_face
from mentoring_app.components.layout import page_shell
from mentoring_app.pages.my_profile import LOOKING_FOR_ID
from mentoring_app.state.home import HomeState, NeedLine, RecommendedCard, RelationshipLine
from mentoring_app.state.session import SessionState


def _next_step(title: str | rx.Var, text: str | rx.Var, *extra: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, as_="h3", size="4"), rx.text(text, color=style.MUTED_COLOR), *extra, spacing="2"
        ),
        width="100%",
    )


def _profile_step() -> rx.Component:
    return rx.cond(
        HomeState.profile_percent < 100,
        _next_step(
            rx.cond(SessionState.is_mentor, "Complete your mentor profile", "Complete your profile"),
            rx.cond(
                SessionState.is_mentor,
                "Add a headline, your region, working languages and specialisms, and how many mentees you "
                "can take at once. Find mentor only shows mentors whose profile is complete enough to match.",
                "Tell mentors what you want help with, and choose what you look for in a mentor: region, "
                "languages, specialisms and areas of support. Find mentor starts from them.",
            ),
            rx.progress(value=HomeState.profile_percent, max=100, aria_label="Profile completeness"),
            rx.text(HomeState.profile_percent.to_string() + "% complete", size="2"),
            rx.button(rx.link("Complete my profile", href=routes.MY_PROFILE), as_child=True, size="3"),
        ),
        _next_step(
            "Your profile is complete",
            "Keep it up to date: your availability, capacity and what you are looking for.",
            rx.link("Edit my profile", href=routes.MY_PROFILE, underline="always"),
        ),
    )


def _relationship(line: rx.Var[RelationshipLine]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.link(
                        line["partner"].to(str), href=line["url"].to(str), weight="bold", underline="always"
                    ),
                    rx.badge(line["status"].to(str), high_contrast=True),
                    rx.text(line["role"].to(str), size="2", color=style.MUTED_COLOR),
                    wrap="wrap",
                    align="center",
                ),
                rx.text(line["summary"].to(str), size="2"),
                rx.cond(
                    line["next_meeting"].to(str) != "",
                    rx.text("Next meeting: ", line["next_meeting"].to(str), size="2"),
                ),
                spacing="1",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def _need(line: rx.Var[NeedLine] | NeedLine) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.link(line["text"].to(str), href=line["url"].to(str), weight="bold", underline="always"),  # type: ignore[union-attr]
                rx.text(line["detail"].to(str), size="2", color=style.MUTED_COLOR),  # type: ignore[union-attr]
                spacing="1",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def _needs_you() -> rx.Component:
    """What needs the member now: waiting requests, unanswered questions, answers, the next meeting,
    unread messages (all live: state/home.py re-reads them, the header counts come with each event)."""
    unread = SessionState.unread_messages
    anything = (
        (HomeState.waiting_requests_lines.length() > 0)
        | (HomeState.unanswered.length() > 0)
        | (HomeState.answers.length() > 0)
        | (HomeState.next_meeting["text"].to(str) != "")
        | (unread > 0)
    )
    return rx.vstack(
        rx.heading("What needs you now", as_="h2", size="5", padding_top="0.5rem"),
        rx.cond(
            anything,
            rx.el.ul(
                rx.foreach(HomeState.waiting_requests_lines, _need),
                rx.foreach(HomeState.unanswered, _need),
                rx.foreach(HomeState.answers, _need),
                rx.cond(HomeState.next_meeting["text"].to(str) != "", _need(HomeState.next_meeting)),
                rx.cond(
                    unread > 0,
                    rx.el.li(
                        rx.card(
                            rx.link(
                                rx.cond(
                                    unread == 1,
                                    "You have 1 unread message",
                                    "You have " + unread.to_string() + " unread messages",
                                ),
                                href=routes.MESSAGES,
                                weight="bold",
                                underline="always",
                            ),
                            width="100%",
                        ),
                        style={"list_style": "none"},
                    ),
                ),
                style=style.CARD_LIST,
                aria_label="What needs you now",
            ),
            rx.text("Nothing is waiting for you right now.", color=style.MUTED_COLOR),
        ),
        width="100%",
    )


def _find_mentor_step() -> rx.Component:
    return _next_step(
        "Find a mentor",
        "Search mentors by region, languages, specialisms and the support you need. Tick "
        "Exact match on what must not be missing; everything else ranks the results.",
        rx.button(rx.link("Find mentor", href=routes.FIND_MENTOR), as_child=True, size="3"),
    )


def _recommended_card(card: rx.Var[RecommendedCard]) -> rx.Component:
    name = card["name"].to(str)
    return rx.el.li(
        rx.card(
            rx.hstack(
                member_face(
                    in_list=True,
                    name=name,
                    photo=card["photo"].to(str),
                    initials=card["initials"].to(str),
                    colour=card["colour"].to(str),
                    size="48px",
                ),
                rx.vstack(
                    rx.heading(
                        rx.link(name, href=card["profile_url"].to(str), underline="always"),
                        as_="h3",
                        size="4",
                    ),
                    rx.cond(card["headline"].to(str), rx.text(card["headline"].to(str), size="2")),
                    rx.cond(
                        card["places"].to(str),
                        rx.text(card["places"].to(str), size="2", color=style.MUTED_COLOR),
                    ),
                    rx.text("Why we recommend them:", size="2", weight="bold"),
                    rx.el.ul(
                        rx.foreach(card["why"].to(list[str]), lambda line: rx.el.li(line)),
                        aria_label="Why we recommend " + name,
                        style={"margin": "0", "padding_left": "1.2rem", "font_size": "var(--font-size-2)"},
                    ),
                    rx.cond(
                        card["saved"].to(bool),
                        rx.badge(
                            "Saved to your shortlist", size="1", color_scheme="green", high_contrast=True
                        ),
                        rx.button(
                            "Save mentor",
                            type="button",
                            variant="soft",
                            size="1",
                            aria_label="Save mentor: " + name,
                            disabled=~rx.State.is_hydrated,
                            on_click=HomeState.save_recommended(card["id"].to(int)),
                        ),
                    ),
                    spacing="1",
                    align="start",
                ),
                spacing="3",
                align="start",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def _recommended() -> rx.Component:
    """Recommended for you: the top mentors for the mentee's saved criteria (state/home.py), or a
    nudge to add criteria; never a list in no useful order."""
    return rx.vstack(
        rx.heading("Recommended for you", as_="h2", size="5", padding_top="0.5rem"),
        rx.cond(
            HomeState.needs_criteria,
            rx.card(
                rx.vstack(
                    rx.text(
                        "We recommend mentors from what you look for in a mentor: region, languages, "
                        "specialisms and the support you need.",
                        color=style.MUTED_COLOR,
                    ),
                    rx.link(
                        "Add what you are looking for to get recommendations",
                        href=routes.MY_PROFILE + "#" + LOOKING_FOR_ID,
                        weight="bold",
                        underline="always",
                    ),
                    spacing="2",
                ),
                width="100%",
            ),
            rx.cond(
                HomeState.recommended.length() > 0,
                rx.el.ul(
                    rx.foreach(HomeState.recommended, _recommended_card),
                    style=style.CARD_LIST,
                    aria_label="Recommended for you",
                ),
                rx.text(
                    "No available mentor matches what you look for right now. Find mentor shows everyone "
                    "available.",
                    color=style.MUTED_COLOR,
                ),
            ),
        ),
        rx.cond(
            ~HomeState.needs_criteria,
            rx.link("See all matches", href=routes.FIND_MENTOR, underline="always"),
        ),
        width="100%",
    )


def _relationships() -> rx.Component:
    return rx.cond(
        HomeState.relationships.length() > 0,
        rx.vstack(
            rx.heading("Your mentoring relationships", as_="h2", size="5", padding_top="0.5rem"),
            rx.el.ul(
                rx.foreach(HomeState.relationships, _relationship),
                style=style.CARD_LIST,
                aria_label="Your mentoring relationships",
            ),
            rx.hstack(
                rx.link("Guides and videos", href=routes.GUIDES, underline="always"),
                rx.link("Your CPD record", href=routes.CPD_RECORD, underline="always"),
                spacing="4",
            ),
            width="100%",
        ),
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            SessionState.signed_in & HomeState.loaded,
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
                rx.cond(SessionState.is_mentor | SessionState.is_mentee, _needs_you()),
                rx.cond(HomeState.recommending, _recommended()),
                _relationships(),
                rx.heading("What to do next", as_="h2", size="5", padding_top="0.5rem"),
                # A mentee without a mentor starts from Find mentor; a matched one from their profile.
                rx.cond(SessionState.is_mentee & ~HomeState.matched_mentee, _find_mentor_step()),
                rx.cond(SessionState.is_mentor | SessionState.is_mentee, _profile_step()),
                rx.cond(
                    SessionState.is_admin,
                    _next_step(
                        "Look after the platform",
                        "Find members, deactivate accounts that should not be used, and make other staff "
                        "admins.",
                        rx.button(
                            rx.link("Manage members", href=routes.ADMIN_MEMBERS), as_child=True, size="3"
                        ),
                    ),
                ),
                rx.cond(
                    SessionState.is_mentee & HomeState.matched_mentee,
                    _next_step(
                        "Looking for another mentor?",
                        "You can have more than one mentor. Find mentor searches as before.",
                        rx.link("Find mentor", href=routes.FIND_MENTOR, underline="always"),
                    ),
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
