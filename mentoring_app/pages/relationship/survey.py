"""The outcome survey on an ended relationship's dashboard: asked once at the top (answer or skip),
then "Tell us how it went" (folded) until answered. Radio groups with legends, errors under each."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.pages.relationship.common import S, heading, muted
from mentoring_app.services.mentoring.outcome_survey import GOALS, HELPED_LIMIT, RECOMMEND_RANGE, SATISFACTION

TITLE = "Tell us how it went"
HELPED_LABEL = f"What helped most? (optional, up to {HELPED_LIMIT:,} characters)"
OPTION_STYLE = {"display": "inline-flex", "align_items": "center", "min_height": "2.75rem", "gap": "0.35rem"}


def _error(key: str) -> rx.Component:
    message = S.survey_errors[key].to(str)
    return rx.cond(
        message, rx.text(message, id=f"survey-{key}-error", size="2", color=style.ERROR_COLOR, role="alert")
    )


def _choices(name: str, legend: rx.Var | str, options: dict, hint: str = "") -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(legend, style={"font_weight": "500", "margin_bottom": "0.35rem"}),
        muted(hint) if hint else rx.fragment(),
        rx.flex(
            *(
                rx.el.label(
                    rx.el.input(type="radio", name=name, value=str(key)),
                    text,
                    style=OPTION_STYLE,
                )
                for key, text in options.items()
            ),
            wrap="wrap",
            spacing="4",
        ),
        _error(name),
        aria_describedby=rx.cond(S.survey_errors[name], f"survey-{name}-error", ""),
        style={"border": "none", "padding": "0", "margin": "0"},
    )


def _form(*, with_skip: bool) -> rx.Component:
    return rx.form(
        rx.vstack(
            _choices("goals", "Did you achieve the goals you set?", GOALS),
            _choices(
                "satisfaction",
                "How satisfied are you with the mentoring?",
                {n: f"{n} · {label}" for n, label in SATISFACTION.items()},
            ),
            _choices(
                "recommend",
                "How likely are you to recommend " + S.survey_about + " to a colleague?",
                {n: str(n) for n in RECOMMEND_RANGE},
                hint="0 means not at all likely, 10 extremely likely.",
            ),
            rx.el.div(
                rx.el.label(HELPED_LABEL, html_for="survey-helped", style={"font_weight": "500"}),
                rx.text_area(
                    id="survey-helped",
                    name="helped_most",
                    rows="3",
                    width="100%",
                    resize="vertical",
                    max_length=HELPED_LIMIT + 500,  # the service explains the limit
                    aria_invalid=rx.cond(S.survey_errors["helped_most"], "true", "false"),
                    aria_describedby=rx.cond(S.survey_errors["helped_most"], "survey-helped_most-error", ""),
                ),
                _error("helped_most"),
                style={"display": "flex", "flex_direction": "column", "gap": "0.35rem", "width": "100%"},
            ),
            rx.hstack(
                rx.button("Send my answers", type="submit", disabled=~rx.State.is_hydrated),
                rx.button(
                    "Skip the survey",
                    type="button",
                    variant="soft",
                    high_contrast=True,
                    on_click=S.skip_survey,
                    disabled=~rx.State.is_hydrated,
                )
                if with_skip
                else rx.fragment(),
                spacing="3",
                wrap="wrap",
            ),
            spacing="4",
            width="100%",
            align="start",
        ),
        key=S.survey_form_key,
        on_submit=S.answer_survey,
        aria_label="Outcome survey",
        width="100%",
    )


def _privacy() -> rx.Component:
    return muted(
        "Four short questions, asked once. Only the platform's staff see your answers, never ",
        S.partner_name,
        ".",
    )


def survey() -> rx.Component:
    return rx.match(
        S.survey_state,
        (
            "ask",
            rx.el.section(
                rx.card(
                    rx.vstack(heading(TITLE), _privacy(), _form(with_skip=True), spacing="3", width="100%"),
                    width="100%",
                ),
                aria_label=TITLE,
                width="100%",
            ),
        ),
        (
            "later",
            rx.el.section(
                rx.el.details(
                    rx.el.summary(
                        TITLE, style={"cursor": "pointer", "font_weight": "600", "color": "var(--accent-11)"}
                    ),
                    rx.vstack(
                        _privacy(), _form(with_skip=False), spacing="3", width="100%", padding_top="0.75rem"
                    ),
                ),
                aria_label=TITLE,
                width="100%",
            ),
        ),
        (
            "done",
            muted("Thank you for telling us how it went. Only the platform's staff see your answers."),
        ),
        rx.fragment(),
    )
