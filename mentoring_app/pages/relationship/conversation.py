"""Messages: the pair's conversation, live, inside the dashboard."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.forms import field
from mentoring_app.pages.messages import earlier_messages, message_item
from mentoring_app.pages.relationship.common import (
    S,
    guides_for_stage,
    heading,
    muted,
)


def messages() -> rx.Component:
    return rx.vstack(
        heading("Messages"),
        earlier_messages(
            S.earlier_messages,
            S.has_earlier_messages,
            S.earlier_messages_capped,
            S.show_earlier_messages,
            S.partner_id,
        ),
        rx.cond(
            S.messages.length() > 0,
            rx.el.ol(
                rx.foreach(S.messages, lambda m: message_item(m, S.partner_id)),
                style=style.CARD_LIST,
                aria_label="Messages, oldest first",
                aria_live="polite",
            ),
            muted("No messages yet: say hello."),
        ),
        rx.cond(
            S.status == "accepted",
            rx.form(
                rx.vstack(
                    field(
                        "Your message",
                        "body",
                        errors=S.message_errors,
                        multiline=True,
                        max_length=5000,
                        hint="Plain text, at most 5,000 characters.",
                        rows="3",
                    ),
                    rx.button("Send message", type="submit", disabled=~rx.State.is_hydrated),
                    width="100%",
                ),
                key=S.message_form_key,
                on_submit=S.send_message,
                reset_on_submit=True,
                aria_label="Send message",
            ),
        ),
        guides_for_stage(),
        spacing="4",
        width="100%",
    )
