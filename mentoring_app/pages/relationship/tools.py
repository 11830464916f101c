"""Tools: first-conversation topics and questions, the mentoring agreement, arrangements."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.pages.relationship.common import (
    S,
    bullets,
    guides_for_stage,
    heading,
    muted,
)
from mentoring_app.services.mentoring.agreement import NOTHING_SAVED_KEY
from mentoring_app.state.dashboard_tools import AgreementItem


def _agreement_field(item: rx.Var[AgreementItem]) -> rx.Component:
    key = item["key"].to(str)
    error = S.agreement_errors[key].to(str)
    return rx.el.div(
        rx.el.label(
            item["label"].to(str),
            rx.cond(item["needed"].to(bool), " (needed to confirm)", ""),
            html_for="agreement-" + key,
            style={"font_weight": "500", "display": "block"},
        ),
        muted(item["hint"].to(str), id="agreement-hint-" + key),
        rx.text_area(
            id="agreement-" + key,
            name=key,
            default_value=item["value"].to(str),
            rows="3",
            width="100%",
            resize="vertical",
            max_length=2000,
            read_only=~S.agreement_editable,
            aria_describedby="agreement-hint-" + key,
            aria_invalid=rx.cond(error, "true", "false"),
        ),
        rx.cond(error, rx.text(error, size="2", color=style.ERROR_COLOR, role="alert")),
        style={"display": "flex", "flex_direction": "column", "gap": "0.35rem", "width": "100%"},
    )


def tools() -> rx.Component:
    return rx.vstack(
        heading("Tools"),
        rx.heading("First conversation preparation", as_="h3", size="4"),
        rx.text("What to cover:", weight="medium"),
        bullets(S.topics),
        rx.text("Questions the mentee might ask the mentor:", weight="medium"),
        bullets(S.questions_for_mentor),
        rx.text("Questions the mentor might ask the mentee:", weight="medium"),
        bullets(S.questions_for_mentee),
        rx.heading("Mentoring agreement", as_="h3", size="4", padding_top="0.5rem"),
        rx.callout(
            rx.text(S.my_confirmation, " ", S.partner_confirmation),
            icon=rx.cond(S.agreement_state == "confirmed", "circle_check", "info"),
            high_contrast=True,
            color_scheme=rx.cond(S.agreement_state == "confirmed", "green", "blue"),
            width="100%",
        ),
        rx.form(
            rx.vstack(
                rx.foreach(S.agreement_items, _agreement_field),
                rx.cond(
                    S.agreement_editable,
                    rx.button("Save the agreement", type="submit", disabled=~rx.State.is_hydrated),
                ),
                rx.cond(  # why a save kept nothing (an empty agreement, or the same text again)
                    S.agreement_errors[NOTHING_SAVED_KEY],
                    rx.text(
                        S.agreement_errors[NOTHING_SAVED_KEY].to(str),
                        size="2",
                        color=style.ERROR_COLOR,
                        role="alert",
                    ),
                ),
                width="100%",
                spacing="3",
            ),
            key=S.agreement_form_key,
            on_submit=S.save_agreement,
            aria_label="Mentoring agreement",
            width="100%",
        ),
        rx.cond(
            S.agreement_editable & ~S.agreement_confirmed_by_me & (S.agreement_version > 0),
            rx.button(
                "Confirm the agreement",
                on_click=S.confirm_agreement,
                color_scheme="green",
                high_contrast=True,
                disabled=~rx.State.is_hydrated,
            ),
        ),
        muted("Editing the agreement after a confirmation asks both of you to confirm it again."),
        rx.hstack(
            rx.text("Ready to set a goal?"),
            rx.button(
                "Open the SMART goal tool",
                variant="soft",
                high_contrast=True,
                on_click=S.open_section("goals"),
            ),
            align="center",
            wrap="wrap",
        ),
        guides_for_stage(),
        spacing="3",
        width="100%",
        align="start",
    )
