"""Admin: reports (open, resolved, all), each with its detail and a Resolve form."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.admin import admin_page, section
from mentoring_app.components.forms import field
from mentoring_app.state.admin_reports import AdminReportsState, ReportRowView

S = AdminReportsState
STATUS_LABELS = (("open", "Open"), ("resolved", "Resolved"), ("all", "All"))


def _filter() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.el.label("Show", html_for="report-status", style={"font_weight": "500"}),
            rx.el.select(
                *(rx.el.option(label, value=key) for key, label in STATUS_LABELS),
                id="report-status",
                name="status",
                default_value=S.status,
                key=S.status,
                style={
                    "padding": "0.35rem",
                    "border": "1px solid var(--gray-a7)",
                    "border_radius": "var(--radius-2)",
                },
            ),
            rx.button("Show reports", type="submit"),
            align="center",
            spacing="3",
        ),
        on_submit=S.filter,
        reset_on_submit=False,
        aria_label="Which reports",
    )


def _row(r: rx.Var[ReportRowView]) -> rx.Component:
    rid = r["id"].to(int)
    return rx.table.row(
        rx.table.row_header_cell(r["created"].to(str)),
        rx.table.cell(r["kind"].to(str)),
        rx.table.cell(r["reporter"].to(str)),
        rx.table.cell(r["subject"].to(str)),
        rx.table.cell(r["reason"].to(str)),
        rx.table.cell(r["status"].to(str)),
        rx.table.cell(
            rx.button(
                "Review",
                size="1",
                variant="soft",
                aria_label="Review the report of " + r["reporter"].to(str) + " about " + r["subject"].to(str),
                on_click=S.review(rid),
            )
        ),
    )


def _detail() -> rx.Component:
    d = S.detail.to(dict)
    rid = d["id"].to(int)
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Report ", rid.to_string(), as_="h2", size="5"),
                rx.button(
                    "Close", size="1", variant="ghost", on_click=S.close, aria_label="Close the report"
                ),
                justify="between",
                width="100%",
            ),
            rx.text(
                rx.link(d["reporter"].to(str), href=d["reporter_url"].to(str), underline="always"),
                rx.cond(
                    d["about_message"].to(bool), " reported a message from ", " reported the profile of "
                ),
                rx.link(d["subject"].to(str), href=d["subject_url"].to(str), underline="always"),
                " on ",
                d["created"].to(str),
                ".",
            ),
            rx.heading("Their reason", as_="h3", size="3"),
            rx.text(d["reason"].to(str), white_space="pre-wrap"),
            rx.cond(
                d["about_message"].to(bool),
                rx.cond(
                    d["message_found"].to(bool),
                    rx.vstack(
                        rx.heading("The reported message", as_="h3", size="3"),
                        rx.text(
                            "From ",
                            d["message_from"].to(str),
                            " to ",
                            d["message_to"].to(str),
                            ", sent ",
                            d["message_sent"].to(str),
                            size="2",
                            color=style.MUTED_COLOR,
                        ),
                        rx.el.blockquote(
                            rx.text(d["message_body"].to(str), white_space="pre-wrap"),
                            style={
                                "border_left": "3px solid var(--gray-a7)",
                                "padding_left": "0.75rem",
                                "margin": "0",
                            },
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.text("The message has been deleted.", color=style.MUTED_COLOR),
                ),
                rx.link(
                    "View the reported profile", href=d["subject_profile_url"].to(str), underline="always"
                ),
            ),
            rx.cond(
                d["resolved"].to(bool),
                rx.callout(d["resolution"].to(str), icon="check", color_scheme="green"),
                rx.form(
                    rx.vstack(
                        field(
                            "What was done (the resolution note)",
                            "note",
                            errors=S.errors,
                            multiline=True,
                            rows="3",
                            max_length=1000,
                            hint="For example: member warned; member deactivated; no action needed.",
                        ),
                        rx.button("Resolve report", type="submit"),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=S.resolve(rid),
                    reset_on_submit=False,
                    aria_label="Resolve the report",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def page() -> rx.Component:
    table = rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *(
                        rx.table.column_header_cell(h)
                        for h in ("Reported", "About", "By", "Who", "Reason", "Status", "Actions")
                    )
                )
            ),
            rx.table.body(rx.foreach(S.rows, _row)),
            variant="surface",
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )
    return admin_page(
        "Reports",
        routes.ADMIN_REPORTS,
        _filter(),
        rx.cond(S.detail, _detail()),
        rx.cond(
            S.loaded,
            section(
                "Reports list",
                rx.cond(S.rows.length() > 0, table, rx.text("No reports to show.", color=style.MUTED_COLOR)),
            ),
            rx.text("Loading the reports…"),
        ),
    )
