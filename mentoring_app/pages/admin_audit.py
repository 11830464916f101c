"""Admin: the audit log."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.admin import admin_page
from mentoring_app.state.admin_audit import AdminAuditState, AuditRowView

S = AdminAuditState


def _row(e: rx.Var[AuditRowView]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(e["at"].to(str), white_space="nowrap"),
        rx.table.cell(e["who"].to(str)),
        rx.table.cell(rx.code(e["action"].to(str), size="1")),
        rx.table.cell(e["summary"].to(str)),
    )


def page() -> rx.Component:
    return admin_page(
        "Audit log",
        routes.ADMIN_AUDIT,
        rx.text("Every admin action: who did what, and when (newest first).", color=style.MUTED_COLOR),
        rx.form(
            rx.hstack(
                rx.el.label("Kind of action", html_for="audit-action", style={"font_weight": "500"}),
                rx.el.select(
                    rx.el.option("All actions", value=""),
                    rx.foreach(S.actions, lambda a: rx.el.option(a, value=a)),
                    id="audit-action",
                    name="action",
                    default_value=S.action,
                    key=S.action + "-" + S.actions.length().to_string(),
                    style={
                        "padding": "0.35rem",
                        "border": "1px solid var(--gray-a7)",
                        "border_radius": "var(--radius-2)",
                    },
                ),
                rx.button("Show", type="submit"),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=S.filter,
            reset_on_submit=False,
            aria_label="Filter the audit log",
        ),
        rx.cond(
            S.loaded,
            rx.vstack(
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *(rx.table.column_header_cell(h) for h in ("When", "Who", "Action", "What"))
                            )
                        ),
                        rx.table.body(rx.foreach(S.rows, _row)),
                        variant="surface",
                        size="1",
                        width="100%",
                    ),
                    overflow_x="auto",
                    width="100%",
                ),
                rx.cond(S.rows.length() == 0, rx.text("Nothing recorded yet.", color=style.MUTED_COLOR)),
                rx.el.nav(
                    rx.hstack(
                        rx.button(
                            "Newer", variant="soft", disabled=S.page <= 1, on_click=S.go_to_page(S.page - 1)
                        ),
                        rx.text("Page ", S.page.to_string()),
                        rx.button(
                            "Older", variant="soft", disabled=~S.has_more, on_click=S.go_to_page(S.page + 1)
                        ),
                        align="center",
                        spacing="3",
                    ),
                    aria_label="Pages of the audit log",
                ),
                spacing="3",
                width="100%",
            ),
            rx.text("Loading the audit log…"),
        ),
    )
