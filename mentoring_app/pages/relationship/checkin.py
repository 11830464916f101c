"""The member's own check-in, on top of the dashboard while one is open: "How is your mentoring
going?" (1 to 5) and an optional note; once answered, a note can still be added."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.pages.relationship.common import S, heading, muted
from mentoring_app.services.mentoring.checkins import NOTE_LIMIT, QUESTION, SCALE

NOTE_LABEL = f"A note about how it is going (optional, up to {NOTE_LIMIT:,} characters)"


def _error(key: str) -> rx.Component:
    message = S.checkin_errors[key].to(str)
    return rx.cond(
        message, rx.text(message, id=f"checkin-{key}-error", size="2", color=style.ERROR_COLOR, role="alert")
    )


def _choices() -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(QUESTION, style={"font_weight": "500", "margin_bottom": "0.35rem"}),
        rx.flex(
            *(
                rx.el.label(
                    rx.el.input(type="radio", name="answer", value=str(n), style={"margin_right": "0.35rem"}),
                    f"{n} · {label}",
                    style={"display": "inline-flex", "align_items": "center", "min_height": "2.75rem"},
                )
                for n, label in SCALE.items()
            ),
            wrap="wrap",
            spacing="4",
        ),
        _error("answer"),
        aria_describedby=rx.cond(S.checkin_errors["answer"], "checkin-answer-error", ""),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _note(label: str) -> rx.Component:
    return rx.el.div(
        rx.el.label(label, html_for="checkin-note", style={"font_weight": "500", "display": "block"}),
        rx.text_area(
            id="checkin-note",
            name="note",
            default_value=S.checkin_note,
            rows="3",
            width="100%",
            resize="vertical",
            max_length=NOTE_LIMIT + 500,  # the service explains the limit
            aria_invalid=rx.cond(S.checkin_errors["note"], "true", "false"),
            aria_describedby=rx.cond(S.checkin_errors["note"], "checkin-note-error", ""),
        ),
        _error("note"),
        style={"display": "flex", "flex_direction": "column", "gap": "0.35rem", "width": "100%"},
    )


def checkin() -> rx.Component:
    answered = S.checkin_answer > 0
    return rx.cond(
        S.checkin_open & ~S.read_only,
        rx.el.section(
            rx.card(
                rx.vstack(
                    heading("Check-in"),
                    muted(
                        "Asked on ",
                        S.checkin_asked_on,
                        ". Only you and the platform's staff see your answer and note, never ",
                        S.partner_name,
                        ".",
                    ),
                    rx.form(
                        rx.vstack(
                            rx.cond(
                                answered,
                                rx.text("You answered ", S.checkin_answer_label, ". Thank you."),
                                _choices(),
                            ),
                            _note(NOTE_LABEL),
                            rx.button(
                                rx.cond(answered, "Save my note", "Send my check-in"),
                                type="submit",
                                disabled=~rx.State.is_hydrated,
                            ),
                            spacing="3",
                            width="100%",
                            align="start",
                        ),
                        key=S.checkin_form_key,
                        on_submit=S.answer_checkin,
                        aria_label="Check-in",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                width="100%",
            ),
            aria_label="Your check-in",
            width="100%",
        ),
    )
