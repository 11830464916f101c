"""The admin area's frame: the shared page shell, a sub-navigation between admin pages, and the
"Show the figures" tables that give every chart a plain-text alternative."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.layout import page_shell
from mentoring_app.state.session import SessionState

ADMIN_PAGES = (
    ("Dashboard", routes.ADMIN),
    ("Outcomes", routes.ADMIN_OUTCOMES),
    ("Members", routes.ADMIN_MEMBERS),
    ("Matching fields", routes.ADMIN_VOCABULARY),
    ("Guides and videos", routes.ADMIN_LIBRARY),
    ("Reports", routes.ADMIN_REPORTS),
    ("Audit log", routes.ADMIN_AUDIT),
)


def admin_nav(current: str) -> rx.Component:
    """Links between the admin pages; the page on screen is marked as current for screen readers."""
    return rx.el.nav(
        rx.el.ul(
            *(
                rx.el.li(
                    rx.link(
                        label,
                        href=href,
                        size="2",
                        weight="bold" if href == current else "medium",
                        underline="always" if href == current else "hover",
                        aria_current="page" if href == current else None,
                    ),
                    style={"list_style": "none"},
                )
                for label, href in ADMIN_PAGES
            ),
            style={"display": "flex", "flex_wrap": "wrap", "gap": "1rem", "padding": "0", "margin": "0"},
        ),
        aria_label="Admin",
        style={
            "border_bottom": "1px solid var(--gray-a5)",
            "padding_bottom": "0.75rem",
            "width": "100%",
        },
    )


def admin_page(title: str | rx.Var, current: str, *children: rx.Component) -> rx.Component:
    """An admin page: nothing but "Checking your access…" until the server says this is an admin."""
    return page_shell(
        rx.cond(
            SessionState.is_admin,
            rx.vstack(
                admin_nav(current),
                rx.heading(title, as_="h1", size="7"),
                *children,
                spacing="5",
                width="100%",
            ),
            rx.text("Checking your access…"),
        )
    )


def figures_table(caption: str, headers: rx.Var, rows: rx.Var) -> rx.Component:
    """A chart's figures as a table, folded away under "Show the figures" (open for screen readers
    that prefer tables to pictures)."""
    return rx.el.details(
        rx.el.summary("Show the figures", style={"cursor": "pointer", "color": "var(--accent-11)"}),
        rx.box(
            rx.table.root(
                rx.el.caption(caption, style={"text_align": "left", "padding": "0.5rem 0"}),
                rx.table.header(
                    rx.table.row(rx.foreach(headers, lambda h: rx.table.column_header_cell(h.to(str))))
                ),
                rx.table.body(
                    rx.foreach(
                        rows,
                        lambda row: rx.table.row(
                            rx.table.row_header_cell(row.to(list[str])[0]),
                            rx.foreach(row.to(list[str])[1:], lambda cell: rx.table.cell(cell)),
                        ),
                    )
                ),
                size="1",
                variant="surface",
            ),
            overflow_x="auto",
            width="100%",
        ),
        style={"width": "100%"},
    )


def stat_card(label: rx.Var, value: rx.Var, note: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="2", color=style.MUTED_COLOR),
            rx.text(value, size="7", weight="bold"),
            rx.cond(note != "", rx.text(note, size="1", color=style.MUTED_COLOR)),
            spacing="1",
        ),
        role="group",
        aria_label=label,
    )


def section(title: str, *children: rx.Component, heading_id: str = "") -> rx.Component:
    """A titled part of an admin page."""
    heading_id = heading_id or "section-" + "-".join(title.lower().split())
    return rx.el.section(
        rx.vstack(rx.heading(title, as_="h2", size="5", id=heading_id), *children, spacing="3", width="100%"),
        aria_labelledby=heading_id,
        style={"width": "100%"},
    )


def labelled_input(
    label: str | rx.Var,
    input_id: str | rx.Var,
    name: str,
    error: rx.Var,
    *,
    default_value: rx.Var | str = "",
    max_length: int = 200,
    hide_label: bool = False,
) -> rx.Component:
    """A short text input with its label, and its error right under it (tied by aria-describedby)."""
    error_id = input_id + "-error"
    return rx.vstack(
        rx.el.label(
            label,
            html_for=input_id,
            style={"font_weight": "500", "font_size": "var(--font-size-2)"}
            | ({"position": "absolute", "left": "-9999px"} if hide_label else {}),
        ),
        rx.input(
            id=input_id,
            name=name,
            default_value=default_value,
            max_length=max_length,
            required=True,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=rx.cond(error != "", error_id, ""),
            width="100%",
        ),
        rx.cond(error != "", rx.text(error, id=error_id, size="2", color=style.ERROR_COLOR, role="alert")),
        spacing="1",
        width="100%",
        flex="1",
    )
