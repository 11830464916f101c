"""Admin: the members list (find, deactivate or reactivate, make or remove admins)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.layout import page_shell
from mentoring_app.state.admin_members import AdminMembersState, MemberView
from mentoring_app.state.session import SessionState


def _row(member: rx.Var[MemberView]) -> rx.Component:
    name = member["name"].to(str)
    return rx.table.row(
        rx.table.row_header_cell(
            rx.cond(
                member["role"].to(str) == "Staff",
                name,
                rx.link(name, href=routes.MEMBERS + "/" + member["id"].to(str), underline="always"),
            )
        ),
        rx.table.cell(member["email"].to(str)),
        rx.table.cell(
            member["role"].to(str),
            rx.cond(member["is_admin"].to(bool), rx.badge("Admin", ml="2", high_contrast=True)),
        ),
        rx.table.cell(
            rx.cond(
                member["is_active"].to(bool),
                "Active",
                rx.badge("Deactivated", color_scheme="red", high_contrast=True),
            )
        ),
        rx.table.cell(member["joined"].to(str)),
        rx.table.cell(member["last_active"].to(str)),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    member["is_active"].to(bool),
                    rx.button(
                        "Deactivate",
                        size="1",
                        color_scheme="red",
                        variant="soft",
                        aria_label="Deactivate " + name,
                        on_click=AdminMembersState.set_active(member["id"].to(int), False),
                    ),
                    rx.button(
                        "Reactivate",
                        size="1",
                        variant="soft",
                        aria_label="Reactivate " + name,
                        on_click=AdminMembersState.set_active(member["id"].to(int), True),
                    ),
                ),
                rx.cond(
                    member["is_admin"].to(bool),
                    rx.button(
                        "Remove admin",
                        size="1",
                        variant="outline",
                        aria_label="Remove admin role from " + name,
                        on_click=AdminMembersState.set_admin(member["id"].to(int), False),
                    ),
                    rx.button(
                        "Make admin",
                        size="1",
                        variant="outline",
                        aria_label="Make " + name + " an admin",
                        on_click=AdminMembersState.set_admin(member["id"].to(int), True),
                    ),
                ),
                spacing="2",
                wrap="wrap",
            )
        ),
    )


def page() -> rx.Component:
    table = rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *(
                        rx.table.column_header_cell(h)
                        for h in ("Name", "Email", "Role", "Status", "Joined", "Last active", "Actions")
                    )
                )
            ),
            rx.table.body(rx.foreach(AdminMembersState.members, _row)),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )
    return page_shell(
        rx.cond(
            SessionState.is_admin,
            rx.vstack(
                rx.heading("Members", as_="h1", size="7"),
                rx.form(
                    rx.hstack(
                        rx.el.label("Find members", html_for="member-query", style={"font_weight": "500"}),
                        rx.input(
                            id="member-query", name="query", placeholder="Name or email", max_length=100
                        ),
                        rx.button("Search", type="submit"),
                        align="center",
                        spacing="3",
                        wrap="wrap",
                    ),
                    on_submit=AdminMembersState.search,
                    reset_on_submit=False,
                    aria_label="Find members",
                ),
                rx.cond(
                    AdminMembersState.loaded,
                    rx.cond(
                        AdminMembersState.members.length() > 0,
                        table,
                        rx.text("No members match that search.", color=style.MUTED_COLOR),
                    ),
                    rx.text("Loading members…"),
                ),
                spacing="4",
                width="100%",
            ),
            rx.text("Checking your access…"),
        )
    )
