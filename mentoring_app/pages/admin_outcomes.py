"""Admin: Outcomes (did mentoring work?), and one relationship's written answers (audited)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.admin import admin_page, section, stat_card
from mentoring_app.pages.admin_dashboard import chart_section
from mentoring_app.state.admin_outcomes import (
    AdminOutcomeAnswersState,
    AdminOutcomesState,
    AnswerView,
    WrittenView,
)

S = AdminOutcomesState
A = AdminOutcomeAnswersState
INPUT_STYLE = {
    "padding": "0.35rem 0.5rem",
    "border": "1px solid var(--gray-a7)",
    "border_radius": "var(--radius-2)",
    "background": "var(--color-surface)",
}


def _month_input(label: str, name: str, value: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=f"range-{name}", style={"font_weight": "500"}),
        rx.el.input(
            id=f"range-{name}",
            name=name,
            type="month",
            default_value=value,
            key=value,
            required=True,
            aria_describedby=rx.cond(S.range_error != "", "range-error", ""),
            style=INPUT_STYLE,
        ),
        spacing="1",
    )


def _range_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            _month_input("From", "from", S.start_month),
            _month_input("To", "to", S.end_month),
            rx.button("Show these months", type="submit", disabled=~rx.State.is_hydrated),
            rx.button(
                "Download outcomes as CSV",
                type="button",
                variant="outline",
                on_click=S.download_outcomes,
                disabled=~S.loaded,
            ),
            align="end",
            spacing="4",
            wrap="wrap",
        ),
        rx.cond(
            S.range_error != "",
            rx.text(S.range_error, id="range-error", color=style.ERROR_COLOR, role="alert", size="2"),
        ),
        on_submit=S.choose_range,
        reset_on_submit=False,
        aria_label="Months shown",
    )


def _written_item(item: rx.Var[WrittenView]) -> rx.Component:
    return rx.el.li(
        item["text"].to(str),
        " ",
        rx.link(
            "Read the answers",
            href=item["url"].to(str),
            underline="always",
            aria_label="Read the answers: " + item["text"].to(str),
        ),
    )


def _written() -> rx.Component:
    return section(
        "Written answers",
        rx.text(
            "What members wrote about what helped most is shown one relationship at a time. Opening "
            "a relationship's answers is recorded in the audit log.",
            color=style.MUTED_COLOR,
            size="2",
        ),
        rx.cond(
            S.written_total > 0,
            rx.vstack(
                rx.text(
                    S.written_total.to_string()
                    + " relationships finished in these months have written answers"
                    " (the latest 50 are listed).",
                    size="2",
                ),
                rx.el.ul(
                    rx.foreach(S.written, _written_item), style={"margin": "0", "padding_left": "1.25rem"}
                ),
                spacing="1",
            ),
            rx.text("No written answers for relationships finished in these months.", size="2"),
        ),
    )


def _outcomes() -> rx.Component:
    return rx.vstack(
        section(
            "Summary",
            rx.grid(
                rx.foreach(
                    S.stats, lambda s: stat_card(s["label"].to(str), s["value"].to(str), s["note"].to(str))
                ),
                columns=rx.breakpoints(initial="2", sm="4"),
                spacing="3",
                width="100%",
            ),
        ),
        chart_section(
            "Satisfaction",
            "How satisfied members were with their mentoring (1 to 5), for relationships that finished in "
            "these months, by mentees and by mentors.",
            S.satisfaction_figure,
            S.satisfaction_table,
        ),
        chart_section(
            "Net promoter score",
            "Would you recommend your mentor (asked of mentees) or your mentee (asked of mentors), 0 to 10. "
            "The score is the share of promoters (9-10) minus the share of detractors (0-6).",
            S.nps_figure,
            S.nps_table,
        ),
        chart_section(
            "Goals achieved",
            "Did members achieve the goals they set: fully, partly or not really.",
            S.goals_figure,
            S.goals_table,
        ),
        chart_section(
            "Time to the first meeting",
            "Days from acceptance to the first meeting held, for relationships accepted in these months.",
            S.first_meeting_figure,
            S.first_meeting_table,
        ),
        chart_section(
            "Relationship length",
            "Days from acceptance to the end, for relationships that ended or were withdrawn in these "
            "months.",
            S.length_figure,
            S.length_table,
        ),
        chart_section(
            "Check-in scores",
            "The average answer to \u201cHow is your mentoring going?\u201d (1 to 5), by the month it "
            "was asked.",
            S.checkins_figure,
            S.checkins_table,
        ),
        _written(),
        spacing="6",
        width="100%",
    )


def page() -> rx.Component:
    return admin_page(
        "Outcomes",
        routes.ADMIN_OUTCOMES,
        _range_form(),
        rx.cond(S.loaded, _outcomes(), rx.cond(S.range_error == "", rx.text("Loading the figures…"))),
    )


def _answer(item: rx.Var[AnswerView]) -> rx.Component:
    def line(label: str, key: str) -> rx.Component:
        value = item[key].to(str)
        return rx.cond(value != "", rx.text(rx.text.strong(label + ": "), value, white_space="pre-wrap"))

    return rx.card(
        rx.vstack(
            rx.heading(item["who"].to(str), as_="h2", size="4"),
            rx.text(item["when"].to(str), size="2", color=style.MUTED_COLOR),
            line("Goals achieved", "goals"),
            line("Satisfaction", "satisfaction"),
            line("Would recommend", "recommend"),
            line("What helped most", "helped_most"),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def answers_page() -> rx.Component:
    return admin_page(
        "Survey answers",
        routes.ADMIN_OUTCOMES,
        rx.cond(
            A.loaded,
            rx.cond(
                A.found,
                rx.vstack(
                    rx.text(A.title, weight="medium"),
                    rx.callout(
                        "Your reading of these answers is recorded in the audit log.",
                        icon="info",
                        width="100%",
                    ),
                    rx.cond(
                        A.answers.length() > 0,
                        rx.vstack(rx.foreach(A.answers, _answer), spacing="3", width="100%"),
                        rx.text("Neither member has answered or skipped the survey yet."),
                    ),
                    spacing="3",
                    width="100%",
                ),
                rx.text("No finished relationship has that number."),
            ),
            rx.text("Loading the answers…"),
        ),
        rx.link("Back to Outcomes", href=routes.ADMIN_OUTCOMES, underline="always"),
    )
