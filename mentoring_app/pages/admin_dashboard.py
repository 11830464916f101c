"""Admin: the dashboard (summary numbers, monthly charts, funnel, needs attention)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.admin import admin_page, figures_table, labelled_input, section, stat_card
from mentoring_app.state.admin_checkins import ConcernView
from mentoring_app.state.admin_dashboard import AdminDashboardState, PairView, ReportLinkView

S = AdminDashboardState
PLOT_CONFIG = {"displayModeBar": False, "responsive": True}


def _range_form() -> rx.Component:
    def month_input(label: str, name: str, value: rx.Var) -> rx.Component:
        return rx.vstack(
            rx.el.label(label, html_for=f"range-{name}", style={"font_weight": "500"}),
            rx.el.input(
                id=f"range-{name}",
                name=name,
                type="month",
                default_value=value,
                key=value,
                required=True,
                style={
                    "padding": "0.35rem 0.5rem",
                    "border": "1px solid var(--gray-a7)",
                    "border_radius": "var(--radius-2)",
                    "background": "var(--color-surface)",
                },
            ),
            spacing="1",
        )

    return rx.form(
        rx.hstack(
            month_input("From", "from", S.start_month),
            month_input("To", "to", S.end_month),
            rx.button("Show these months", type="submit", disabled=~rx.State.is_hydrated),
            rx.button(
                "Download visits as CSV",
                type="button",
                variant="outline",
                on_click=S.download_visits,
                disabled=~S.loaded,
            ),
            align="end",
            spacing="4",
            wrap="wrap",
        ),
        rx.cond(
            S.range_error != "",
            rx.text(S.range_error, color=style.ERROR_COLOR, role="alert", size="2"),
        ),
        on_submit=S.choose_range,
        reset_on_submit=False,
        aria_label="Months shown",
    )


def chart_section(
    title: str, description: str, figure: rx.Var, table: rx.Var, *extra: rx.Component
) -> rx.Component:
    slug = "-".join(title.lower().split())
    return section(
        title,
        rx.text(description, color=style.MUTED_COLOR, size="2"),
        *extra,
        rx.box(
            rx.plotly.finance(data=figure, config=PLOT_CONFIG, width="100%"),
            role="figure",
            aria_label=f"Chart: {title}. The figures are in the table below.",
            id=f"chart-{slug}",
            width="100%",
            min_height="340px",
        ),
        figures_table(title, table["headers"].to(list[str]), table["rows"].to(list[list[str]])),
        heading_id=f"heading-{slug}",
    )


def _pair_item(item: rx.Var[PairView]) -> rx.Component:
    return rx.el.li(
        rx.link(item["mentee"].to(str), href=item["mentee_url"].to(str), underline="always"),
        " (mentee) with ",
        rx.link(item["mentor"].to(str), href=item["mentor_url"].to(str), underline="always"),
        " (mentor): since ",
        item["when"].to(str),
        ", ",
        item["detail"].to(str),
    )


def _concern_item(item: rx.Var[ConcernView]) -> rx.Component:
    return rx.el.li(
        rx.link(item["mentee"].to(str), href=item["mentee_url"].to(str), underline="always"),
        " (mentee) with ",
        rx.link(item["mentor"].to(str), href=item["mentor_url"].to(str), underline="always"),
        " (mentor): ",
        item["detail"].to(str),
        " ",
        rx.button(
            "Nudge this pair",
            size="1",
            variant="soft",
            high_contrast=True,
            on_click=S.nudge_pair(item["relationship_id"].to(int)),
            aria_label="Nudge this pair: " + item["mentee"].to(str) + " and " + item["mentor"].to(str),
            disabled=~rx.State.is_hydrated,
        ),
        style={"margin_bottom": "0.4rem"},
    )


def _checkins() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Check-ins", as_="h3", size="4"),
            rx.cond(
                S.checkin_pairs_total > 0,
                rx.vstack(
                    rx.text(
                        S.checkin_pairs_total.to_string()
                        + " pairs with two low answers (1 or 2) or two unanswered check-ins in a row",
                        size="2",
                        color=style.MUTED_COLOR,
                    ),
                    rx.el.ul(
                        rx.foreach(S.checkin_pairs, _concern_item),
                        style={"margin": "0", "padding_left": "1.25rem"},
                    ),
                    spacing="1",
                ),
                rx.text(
                    "No pair has two low answers or two unanswered check-ins in a row.",
                    size="2",
                    color=style.MUTED_COLOR,
                ),
            ),
            rx.form(
                rx.hstack(
                    labelled_input(
                        "Weeks between check-ins",
                        "checkin-weeks",
                        "weeks",
                        S.checkin_errors["weeks"].to(str),
                        default_value=S.checkin_weeks.to_string(),
                        max_length=3,
                    ),
                    rx.button("Save check-in interval", type="submit", disabled=~rx.State.is_hydrated),
                    align="end",
                    wrap="wrap",
                ),
                key=S.checkin_weeks.to_string(),
                on_submit=S.save_checkin_weeks,
                aria_label="Check-in interval",
                max_width="28rem",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _report_item(item: rx.Var[ReportLinkView]) -> rx.Component:
    return rx.el.li(
        rx.link(item["text"].to(str), href=item["url"].to(str), underline="always"),
        " on ",
        item["when"].to(str),
    )


def _attention_list(
    title: str, items: rx.Var, total: rx.Var[int], render, empty: str, unit: str
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, as_="h3", size="4"),
            rx.cond(
                total > 0,
                rx.vstack(
                    rx.text(total.to_string() + " " + unit, size="2", color=style.MUTED_COLOR),
                    rx.el.ul(rx.foreach(items, render), style={"margin": "0", "padding_left": "1.25rem"}),
                    spacing="1",
                ),
                rx.text(empty, size="2", color=style.MUTED_COLOR),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _stats() -> rx.Component:
    return rx.grid(
        rx.foreach(
            S.stats,
            lambda s: stat_card(
                s["label"].to(str),
                s["value"].to(str),
                s["note"].to(str),
            ),
        ),
        columns=rx.breakpoints(initial="2", sm="4"),
        spacing="3",
        width="100%",
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        section("Summary", _stats()),
        chart_section(
            "Visits per month",
            "A visit is one browser session's arrival. Logged in: the member was known at some page "
            "view; anonymous: never logged in during that visit.",
            S.visits_figure,
            S.visits_table,
        ),
        chart_section(
            "Registrations per month",
            "New members by role (staff accounts not counted).",
            S.registrations_figure,
            S.registrations_table,
        ),
        chart_section(
            "Requests per month",
            "Requests sent, and those accepted, declined or expired in each month.",
            S.requests_figure,
            S.requests_table,
        ),
        chart_section(
            "Active relationships",
            "Relationships active at some point in each month.",
            S.active_figure,
            S.active_table,
        ),
        chart_section(
            "Goals set and achieved",
            "Goals mentees set, and goals marked achieved, each month.",
            S.goals_figure,
            S.goals_table,
        ),
        chart_section(
            "Mentoring funnel",
            "Mentees who registered in these months, and how many reached each stage since. "
            "Percentages: of the previous stage, and of those registered.",
            S.funnel_figure,
            S.funnel_table,
        ),
        section(
            "Time to answer",
            rx.text("Median time for a mentor to accept or decline a request: ", S.answer_time),
        ),
        section(
            "Needs attention",
            rx.grid(
                _attention_list(
                    "Quiet pairs",
                    S.quiet_pairs,
                    S.quiet_total,
                    _pair_item,
                    "No pair has been quiet for 21 days.",
                    "pairs with no activity for 21 days or more",
                ),
                _attention_list(
                    "Requests close to expiry",
                    S.expiring,
                    S.expiring_total,
                    _pair_item,
                    "No request expires in the next 3 days.",
                    "requests expire within 3 days",
                ),
                _attention_list(
                    "Open reports",
                    S.open_reports,
                    S.open_reports_total,
                    _report_item,
                    "No open reports.",
                    "reports wait for review",
                ),
                columns=rx.breakpoints(initial="1", md="3"),
                spacing="3",
                width="100%",
            ),
            _checkins(),
            rx.link("Review all reports", href=routes.ADMIN_REPORTS, underline="always"),
        ),
        spacing="6",
        width="100%",
    )


def page() -> rx.Component:
    return admin_page(
        "Dashboard",
        routes.ADMIN,
        _range_form(),
        rx.cond(
            S.loaded,
            _dashboard(),
            rx.cond(S.range_error == "", rx.text("Loading the figures…")),
        ),
    )
