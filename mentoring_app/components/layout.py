"""The page template: skip link, navigation that fits who is logged in, and the content column."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.inline import a as plain_anchor

from mentoring_app import routes, style
from mentoring_app.state.session import PageGate, SessionState
from mentoring_app.web.session_routes import CLAIM_PATH, LOGOUT_PATH

NOWRAP = {"white_space": "nowrap", "flex_shrink": "0"}


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, size="3", weight="medium", underline="hover", style=NOWRAP)


def _counted_link(label: str, href: str, count: rx.Var[int], what: str = "unread") -> rx.Component:
    """A navigation link with a count (unread, waiting) that screen readers hear too."""
    return rx.link(
        label,
        rx.cond(count > 0, rx.badge(count, color_scheme="red", high_contrast=True, ml="1")),
        href=href,
        size="3",
        weight="medium",
        underline="hover",
        aria_label=rx.cond(count > 0, f"{label}, " + count.to_string() + f" {what}", label),
        style=NOWRAP,
    )


# Below Reflex's fifth breakpoint (80em, 1280px) the member's links move into the Menu; from there
# up they stand in one row that never wraps: the longest row (an admin who is mentor and mentee,
# with counts and a long name, cut at 10rem) needs about 1,180px, and the header is 1,248px wide
# at 1280px (tests/e2e/test_small_things.py measures it). Narrower, the row would not fit.
WIDE = ["none", "none", "none", "none", "flex"]
NARROW = ["block", "block", "block", "block", "none"]
HEADER_WIDTH = "80rem"  # wider than the content column, so the longest row fits on one line
MENU_BUTTON, MENU_PANEL = "member-menu-button", "member-menu"


def _member_links() -> list[rx.Component]:
    """The member's navigation, in the order it reads (inline when wide, in the Menu when narrow)."""
    return [
        _nav_link("Home", routes.HOME),
        rx.cond(SessionState.is_mentee, _nav_link("Find mentor", routes.FIND_MENTOR)),
        rx.cond(
            SessionState.is_mentor | SessionState.is_mentee,
            _counted_link("Requests", routes.REQUESTS, SessionState.waiting_requests, "waiting"),
        ),
        _counted_link("Messages", routes.MESSAGES, SessionState.unread_messages),
        _nav_link("My profile", routes.MY_PROFILE),
        _counted_link("Notifications", routes.NOTIFICATIONS, SessionState.unread_notifications),
        _nav_link("Account", routes.ACCOUNT),
        rx.cond(SessionState.is_admin, _nav_link("Admin", routes.ADMIN)),
        rx.text(
            SessionState.member_name,
            size="2",
            color=style.MUTED_COLOR,
            aria_label="Logged in as",
            title=SessionState.member_name,
            # A long name is cut with an ellipsis rather than pushing the row onto two lines.
            style={"max_width": "10rem", "overflow": "hidden", "text_overflow": "ellipsis", **NOWRAP},
        ),
        rx.button("Log out", on_click=PageGate.log_out, variant="soft", size="2", style=NOWRAP),
    ]


# The Menu opens and closes in the browser alone (no server event): one pair of listeners on the
# document, set up once, toggles the button's aria-expanded and the panel's hidden attribute.
# Escape closes it and gives focus back to the button; a click outside it or on one of its links
# closes it too. React leaves both attributes alone (their props never change), and a page change
# draws a closed Menu again.
_MENU_SCRIPT = rx.Var(
    "() => { if (window.__memberMenu) return; window.__memberMenu = true;"
    f" const parts = () => [document.getElementById({MENU_BUTTON!r}),"
    f" document.getElementById({MENU_PANEL!r})];"
    " const show = (open, refocus) => { const [button, panel] = parts(); if (!button || !panel) return;"
    " button.setAttribute('aria-expanded', String(open)); panel.hidden = !open;"
    " if (!open && refocus) button.focus(); };"
    " document.addEventListener('click', (event) => { const [button, panel] = parts();"
    " if (!button || !panel) return;"
    " if (button.contains(event.target)) {"
    " show(button.getAttribute('aria-expanded') !== 'true', false); return; }"
    " if (!panel.hidden && (!panel.contains(event.target) || event.target.closest('a, button')))"
    " show(false, false);"
    " });"
    " document.addEventListener('keydown', (event) => { if (event.key !== 'Escape') return;"
    " const [, panel] = parts(); if (panel && !panel.hidden) show(false, true); }); }"
)


def _member_menu() -> rx.Component:
    """On a narrow screen the member's links fold into a Menu button, so the header keeps the
    one-row height the prerendered page has: nothing below it moves when the session arrives (no
    layout shift). The button says how many things are new; the panel holds the same links, with
    their counts."""
    unread = SessionState.unread_messages + SessionState.unread_notifications + SessionState.waiting_requests
    return rx.box(
        rx.el.button(
            "Menu",
            rx.cond(unread > 0, rx.badge(unread, color_scheme="red", high_contrast=True, ml="1")),
            id=MENU_BUTTON,
            type="button",
            aria_expanded="false",
            aria_controls=MENU_PANEL,
            aria_label=rx.cond(unread > 0, "Menu, " + unread.to_string() + " new", "Menu"),
            on_mount=rx.call_function(_MENU_SCRIPT),
            style={
                "cursor": "pointer",
                "color": "var(--accent-11)",
                "font_weight": "500",
                "font_size": "1rem",
                "background": "none",
                "border": "1px solid var(--gray-a7)",
                "border_radius": "var(--radius-2)",
                "padding": "0.25rem 0.75rem",
                "display": "inline-flex",
                "align_items": "center",
                "min_height": "2.25rem",
            },
        ),
        rx.el.div(  # no display style of its own, so its hidden attribute hides it
            rx.vstack(
                *_member_links(),
                spacing="3",
                align="start",
                style={
                    "position": "absolute",
                    "right": "1rem",
                    "top": "100%",
                    "z_index": "20",
                    "background": style.NAV_BACKGROUND,
                    "border": "1px solid var(--gray-a5)",
                    "border_radius": "var(--radius-3)",
                    "padding": "1rem",
                    "box_shadow": "var(--shadow-4)",
                    "min_width": "12rem",
                },
            ),
            id=MENU_PANEL,
            hidden=True,
        ),
        display=NARROW,
    )


def navbar() -> rx.Component:
    member_links = rx.fragment(
        rx.hstack(*_member_links(), spacing="3", align="center", wrap="nowrap", display=WIDE),
        _member_menu(),
    )
    visitor_links = rx.hstack(
        _nav_link("Log in", routes.LOGIN),
        rx.button(rx.link("Register", href=routes.REGISTER), as_child=True, size="2"),
        spacing="4",
        align="center",
    )
    return rx.el.header(
        rx.el.nav(
            rx.flex(
                rx.link(
                    rx.hstack(
                        rx.icon("sprout", aria_hidden="true"), rx.text("Mentoring", weight="bold", size="5")
                    ),
                    href=rx.cond(SessionState.signed_in, routes.HOME, routes.LANDING),
                    underline="none",
                    aria_label="Mentoring: home",
                    style=NOWRAP,
                ),
                rx.cond(SessionState.signed_in, member_links, visitor_links),
                justify="between",
                align="center",
                wrap="nowrap",
                spacing="3",
                max_width=HEADER_WIDTH,
                margin_x="auto",
                width="100%",
            ),
            aria_label="Main",
        ),
        style={
            "background": style.NAV_BACKGROUND,
            "border_bottom": "1px solid var(--gray-a5)",
            "padding": "0.75rem 1rem",
            "position": "relative",
        },
    )


def _posted_at_once(form_id: str, action: str, label: str, *fields: rx.Component) -> rx.Component:
    """A form the page posts as soon as it appears (a plain HTTP request, so its response can set
    or clear the HttpOnly session cookie). Its button is there if the automatic post is stopped.
    ``form.submit()`` posts natively, past the submit handler Reflex gives every form."""
    submit = rx.call_function(rx.Var(f"() => document.getElementById({form_id!r})?.submit()"))
    return rx.el.form(
        *fields,
        rx.hstack(
            rx.spinner(size="2"),
            rx.text(label, size="2"),
            rx.button("Continue", type="button", size="1", variant="soft", on_click=submit),
            align="center",
            spacing="2",
        ),
        id=form_id,
        method="post",
        action=action,
        aria_label=label,
        on_mount=submit,
        style={"padding": "0.5rem 1rem"},
    )


def session_handoff() -> rx.Component:
    """After a log-in or a log-out, the page lets the backend set or clear the session cookie."""
    return rx.fragment(
        rx.cond(
            SessionState.handoff_code != "",
            _posted_at_once(
                "session-claim",
                CLAIM_PATH,
                "Logging you in",
                rx.el.input(type="hidden", name="code", default_value=SessionState.handoff_code),
                rx.el.input(type="hidden", name="next", default_value=SessionState.handoff_next),
            ),
        ),
        rx.cond(SessionState.leaving, _posted_at_once("session-leave", LOGOUT_PATH, "Logging you out")),
    )


def page_shell(*children: rx.Component) -> rx.Component:
    """Every page: a skip link, the navigation, and a main region."""
    return rx.box(
        # A plain anchor: rx.el.a is React Router's Link, which prerenders "#main" as "/login/#main";
        # served at /login, that is another page to axe and to browsers, and no longer a skip link.
        plain_anchor(
            "Skip to content",
            href="#main",
            style={
                "position": "absolute",
                "left": "-999px",
                "_focus": {
                    "left": "1rem",
                    "top": "1rem",
                    "z_index": "10",
                    "background": "white",
                    "padding": "0.5rem",
                },
            },
        ),
        session_handoff(),
        navbar(),
        rx.el.main(
            rx.box(*children, max_width=style.CONTENT_WIDTH, margin_x="auto", width="100%"),
            id="main",
            style={"padding": style.PAGE_PADDING},
        ),
        min_height="100vh",
        background="var(--gray-2)",
    )
