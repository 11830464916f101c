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
from mentoring_app.state.dashboard_ending import EarlierJourneyCard, EarlierReflection


def _confirm(trigger: str, title: str, description: rx.Var | str, action: str, on_confirm) -> rx.Component:
    """A choice that locks this journey's goals, confirmed first like End."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(trigger, variant="soft", high_contrast=True)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Not yet", type="button", variant="soft", high_contrast=True)
                ),
                rx.alert_dialog.action(rx.button(action, type="button", on_click=on_confirm)),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
        ),
    )


def _earlier_reflection(item: rx.Var[EarlierReflection]) -> rx.Component:
    return rx.el.li(
        rx.text(item["author"].to(str), " (", item["date"].to(str), "):", weight="medium"),
        rx.text(item["text"].to(str), white_space="pre-wrap"),
    )


def _earlier_journey(journey: rx.Var[EarlierJourneyCard]) -> rx.Component:
    return rx.box(
        rx.heading(journey["title"].to(str), as_="h4", size="3"),
        rx.cond(
            journey["reflections"].to(list[EarlierReflection]).length() > 0,
            rx.el.ul(
                rx.foreach(journey["reflections"].to(list[EarlierReflection]), _earlier_reflection),
                style={"list_style": "none", "padding": "0", "margin": "0"},
            ),
            muted("No reflections were written on this journey."),
        ),
        width="100%",
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
            rx.text("Status: ", S.status_label, size="2"),
        ),
        rx.cond(
            S.earlier_journeys.length() > 0,
            rx.el.section(
                rx.heading("Earlier journeys", as_="h3", size="4"),
                rx.vstack(rx.foreach(S.earlier_journeys, _earlier_journey), spacing="3", width="100%"),
                aria_label="Earlier journeys",
                width="100%",
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
                        _confirm(
                            "Continue informally",
                            "Continue informally?",
                            "This journey's goals are locked as they stand: read-only, on record. You keep "
                            "in contact (messages and meetings go on), and can start a new journey later "
                            "to set new goals. Your partner will be told.",
                            "Continue informally",
                            S.continue_informally,
                        ),
                    ),
                    rx.cond(
                        S.can_start_new_journey,
                        _confirm(
                            "Set new goals and start a new journey",
                            "Start a new journey?",
                            "This journey's goals are locked as they stand: read-only, on record. Journey "
                            + (S.journey_number + 1).to_string()
                            + " starts with a fresh agreement and new goals. Your partner will be told.",
                            "Start a new journey",
                            S.start_new_journey,
                        ),
                    ),
                    spacing="3",
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
