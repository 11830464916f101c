"""Messages: the member's conversations, and one conversation that updates live."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.inline import a as plain_anchor

from mentoring_app import routes, style
from mentoring_app.components.forms import field
from mentoring_app.components.layout import page_shell
from mentoring_app.components.report import report_dialog
from mentoring_app.state.messages import MessageCard, MessagePart, ThreadCard, ThreadsState, ThreadState


def _thread_item(thread: rx.Var[ThreadCard]) -> rx.Component:
    return rx.el.li(
        rx.card(
            rx.hstack(
                rx.link(
                    thread["name"].to(str), href=thread["url"].to(str), underline="always", weight="medium"
                ),
                rx.cond(
                    thread["unread"].to(int) > 0,
                    rx.badge(
                        thread["unread"].to(int).to_string() + " unread",
                        color_scheme="red",
                        high_contrast=True,
                    ),
                ),
                rx.text(thread["last"].to(str), size="2", color=style.MUTED_COLOR),
                wrap="wrap",
                align="center",
                spacing="3",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def threads_page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Messages", as_="h1", size="7"),
            rx.cond(
                ThreadsState.threads.length() > 0,
                rx.el.ul(
                    rx.foreach(ThreadsState.threads, _thread_item),
                    style=style.CARD_LIST,
                    aria_label="Conversations",
                ),
                rx.text(
                    "No messages yet. On a mentor's profile, Ask a question to start a conversation.",
                    color=style.MUTED_COLOR,
                ),
            ),
            spacing="4",
            width="100%",
        )
    )


# A link in a message opens in a new tab and tells the site nothing about where it came from;
# nofollow: members' links earn no search ranking from us.
MESSAGE_LINK_REL = "noopener noreferrer nofollow"


def _message_part(part: rx.Var[MessagePart]) -> rx.Component:
    """Text as text; an http(s) address (checked on the server) as a plain link. Never HTML."""
    href = part["href"].to(str)
    return rx.cond(
        href != "",
        plain_anchor(
            part["text"].to(str),
            href=href,
            target="_blank",
            rel=MESSAGE_LINK_REL,
            style={"color": "var(--accent-11)", "text_decoration": "underline", "word_break": "break-all"},
        ),
        rx.fragment(part["text"].to(str)),
    )


def message_item(message: rx.Var[MessageCard], other_id: rx.Var[int]) -> rx.Component:
    """One message; the other member's messages can be reported."""
    mine = message["mine"].to(bool)
    return rx.el.li(
        rx.box(
            rx.text(
                rx.cond(mine, "You", message["sender"].to(str)),
                " · ",
                message["sent"].to(str),
                size="1",
                color=style.MUTED_COLOR,
            ),
            rx.text(
                rx.foreach(message["parts"].to(list[MessagePart]), _message_part), white_space="pre-wrap"
            ),
            rx.cond(
                ~mine,
                report_dialog(
                    other_id,
                    message_id=message["id"].to(int),
                    trigger_label="Report",
                    trigger_name="Report this message",
                ),
            ),
            padding="0.6rem 0.8rem",
            border_radius="var(--radius-3)",
            background=rx.cond(mine, "var(--accent-3)", "var(--gray-3)"),
            max_width="40rem",
            margin_left=rx.cond(mine, "auto", "0"),
        ),
        style={"list_style": "none"},
    )


def earlier_messages(
    earlier: rx.Var[list[MessageCard]],
    has_earlier: rx.Var[bool],
    capped: rx.Var[bool],
    show: rx.EventHandler,
    other_id: rx.Var[int],
) -> rx.Component:
    """Above a thread that opened with its latest messages: the button that reads back the ones
    before, and those read back (a list of their own, so screen readers do not announce them as
    new), oldest first."""
    return rx.fragment(
        rx.cond(
            has_earlier,
            rx.button("Show earlier messages", type="button", variant="soft", size="2", on_click=show),
        ),
        rx.cond(
            capped,
            rx.text(
                "Older messages are not shown here. They are all in ",
                rx.link("Download my data", href=routes.ACCOUNT, underline="always"),
                ", on your Account page.",
                size="2",
                color=style.MUTED_COLOR,
            ),
        ),
        rx.cond(
            earlier.length() > 0,
            rx.el.ol(
                rx.foreach(earlier, lambda m: message_item(m, other_id)),
                style=style.CARD_LIST,
                aria_label="Earlier messages, oldest first",
            ),
        ),
    )


def thread_page() -> rx.Component:
    s = ThreadState
    conversation = rx.vstack(
        rx.heading("Messages with ", s.other_name, as_="h1", size="6"),
        rx.link("All messages", href=routes.MESSAGES, underline="always", size="2"),
        earlier_messages(s.earlier, s.has_earlier, s.earlier_capped, s.show_earlier, s.other_id),
        rx.cond(
            s.messages.length() > 0,
            rx.el.ol(
                rx.foreach(s.messages, lambda m: message_item(m, s.other_id)),
                style=style.CARD_LIST,
                aria_label="Messages, oldest first",
                aria_live="polite",
            ),
            rx.text("No messages yet: say hello.", color=style.MUTED_COLOR),
        ),
        rx.cond(
            s.can_write,
            rx.form(
                rx.vstack(
                    field(
                        "Your message",
                        "body",
                        errors=s.errors,
                        multiline=True,
                        max_length=5000,
                        hint="Plain text, at most 5,000 characters.",
                    ),
                    rx.button("Send message", type="submit", disabled=~rx.State.is_hydrated),
                    width="100%",
                ),
                key=s.form_key,
                on_submit=s.send,
                reset_on_submit=True,
                aria_label="Send message",
            ),
        ),
        spacing="4",
        width="100%",
    )
    return page_shell(
        rx.cond(
            s.loaded,
            rx.cond(s.found, conversation, rx.text("That member could not be found.")),
            rx.text("Loading the conversation…"),
        )
    )
