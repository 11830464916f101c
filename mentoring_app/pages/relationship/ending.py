"""Ending: tips, a reflection each, and End, Continue informally or a new journey."""

from __future__ import annotations

import reflex as rx

from mentoring_app.components.forms import field
from mentoring_app.pages.relationship.common import (
    S,
    bullets,
    guides_for_stage,
    heading,
    muted,
)


def ending() -> rx.Component:
    confirm_end = rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("End the relationship", color_scheme="red", high_contrast=True)),
        rx.alert_dialog.content(
            rx.alert_dialog.title("End this mentoring relationship?"),
            rx.alert_dialog.description(
                "The dashboard becomes read-only and stays on record. Your partner will be told.", size="2"
            ),
            rx.form(
                rx.vstack(
                    field(
                        "A closing note (optional)",
                        "end_reason",
                        errors=S.no_errors,
                        required=False,
                        multiline=True,
                        rows="3",
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button("Not yet", type="button", variant="soft", high_contrast=True)
                        ),
                        rx.alert_dialog.action(
                            rx.button("End the relationship", type="submit", color_scheme="red")
                        ),
                        justify="end",
                    ),
                ),
                on_submit=S.end_relationship,
                aria_label="End the relationship",
            ),
        ),
    )
    return rx.vstack(
        heading("Ending"),
        rx.text("Bringing mentoring to a good close:", weight="medium"),
        bullets(S.ending_tips),
        rx.heading("Reflections", as_="h3", size="4"),
        rx.cond(
            S.can_write_reflection,
            rx.form(
                rx.vstack(
                    field(
                        "Your reflection",
                        "reflection",
                        errors=S.reflection_errors,
                        error_key="text",
                        multiline=True,
                        rows="4",
                        default_value=S.my_reflection,
                        hint="What went well, what you learnt, what you will do next.",
                        max_length=3000,
                    ),
                    rx.button("Save reflection", type="submit", disabled=~rx.State.is_hydrated),
                    width="100%",
                ),
                key=S.reflection_form_key,
                on_submit=S.save_reflection,
                aria_label="Your reflection",
                width="100%",
            ),
            rx.cond(
                S.my_reflection != "", rx.text("Your reflection: ", S.my_reflection, white_space="pre-wrap")
            ),
        ),
        rx.cond(
            S.partner_reflection != "",
            rx.box(
                rx.text(S.partner_name, "'s reflection (", S.partner_reflection_date, "):", weight="medium"),
                rx.text(S.partner_reflection, white_space="pre-wrap"),
            ),
            muted(S.partner_name, " has not written a reflection yet."),
        ),
        rx.cond(
            S.informal_since != "",
            rx.callout(
                rx.text("Continuing informally since ", S.informal_since, "."),
                icon="info",
                high_contrast=True,
            ),
        ),
        rx.cond(
            S.can_end,
            rx.vstack(
                rx.heading("What next?", as_="h3", size="4"),
                rx.flex(
                    confirm_end,
                    rx.cond(
                        S.can_continue_informally,
                        rx.button(
                            "Continue informally",
                            variant="soft",
                            high_contrast=True,
                            on_click=S.continue_informally,
                        ),
                    ),
                    rx.cond(
                        S.can_start_new_journey,
                        rx.button(
                            "Set new goals and start a new journey",
                            variant="soft",
                            high_contrast=True,
                            on_click=S.start_new_journey,
                        ),
                    ),
                    gap="3",
                    wrap="wrap",
                ),
                muted(
                    "Continue informally closes the goals and keeps you in contact. A new journey keeps "
                    "this journey's goals on record, read-only, and starts afresh."
                ),
                spacing="3",
            ),
        ),
        guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )
