"""The member's CPD record: relationships, meetings and hours, goals achieved; print or CSV."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.layout import page_shell
from mentoring_app.state.cpd import CpdRow, CpdState


def _row(row: rx.Var[CpdRow]) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(row["partner"].to(str)),
        rx.table.cell(row["role"].to(str)),
        rx.table.cell(row["status"].to(str)),
        rx.table.cell(row["period"].to(str)),
        rx.table.cell(row["meetings"].to(int).to_string()),
        rx.table.cell(row["time"].to(str)),
        rx.table.cell(
            rx.el.ul(
                rx.foreach(row["goals"].to(list[str]), lambda g: rx.el.li(g)),
                style={"margin": "0", "padding_left": "1rem"},
            )
        ),
    )


def page() -> rx.Component:
    s = CpdState
    return page_shell(
        rx.vstack(
            rx.heading("CPD record", as_="h1", size="7"),
            rx.text(
                "Your mentoring for continuing professional development: relationships, meetings and "
                "hours, and goals achieved. Generated ",
                s.generated,
                ".",
                color=style.MUTED_COLOR,
            ),
            rx.hstack(
                rx.button("Download CSV", on_click=s.download_csv, disabled=~rx.State.is_hydrated),
                rx.button("Print", variant="soft", on_click=rx.call_script("window.print()")),
                class_name="no-print",
            ),
            rx.flex(
                rx.card(rx.text("Hours of mentoring"), rx.text(s.total_time, size="6", weight="bold")),
                rx.card(rx.text("Meetings"), rx.text(s.total_meetings.to_string(), size="6", weight="bold")),
                rx.card(
                    rx.text("Goals achieved"), rx.text(s.total_goals.to_string(), size="6", weight="bold")
                ),
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                s.rows.length() > 0,
                rx.table.root(
                    rx.el.caption(
                        "Mentoring relationships",
                        style={"text_align": "left", "font_weight": "600", "padding_bottom": "0.5rem"},
                    ),
                    rx.table.header(
                        rx.table.row(
                            *(
                                rx.table.column_header_cell(h)
                                for h in (
                                    "Partner",
                                    "Your role",
                                    "Status",
                                    "Period",
                                    "Meetings",
                                    "Hours",
                                    "Goals achieved",
                                )
                            )
                        )
                    ),
                    rx.table.body(rx.foreach(s.rows, _row)),
                    width="100%",
                ),
                rx.text("No mentoring relationships yet.", color=style.MUTED_COLOR),
            ),
            spacing="4",
            width="100%",
        )
    )
