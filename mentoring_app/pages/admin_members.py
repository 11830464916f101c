"""Admin: the members list (find, deactivate or reactivate, make or remove admins, import, export)
and one member's page."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.admin import admin_page, section
from mentoring_app.services.staff.admin import MAX_IMPORT_BYTES
from mentoring_app.state.admin_members import (
    AdminMembersState,
    AdminMemberState,
    ImportLineView,
    MemberView,
)

IMPORT_UPLOAD_ID = "member-import"


def _row(member: rx.Var[MemberView]) -> rx.Component:
    name = member["name"].to(str)
    return rx.table.row(
        rx.table.row_header_cell(rx.link(name, href=member["url"].to(str), underline="always")),
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


def _labelled_upload(*children: rx.Component, label: str, **props: object) -> rx.Component:
    """Reflex's upload zone, with an accessible name on its hidden file input (it has none)."""
    zone = rx.upload.root(*children, **props)
    for child in zone.children[0].children:
        if type(child).__name__ == "Input":
            child.custom_attrs["aria-label"] = label
    return zone


def _import_line(item: rx.Var[ImportLineView]) -> rx.Component:
    return rx.el.li("Line ", item["line"].to(int).to_string(), ": ", item["problem"].to(str))


def _import_section() -> rx.Component:
    S = AdminMembersState
    return section(
        "Import members",
        rx.text(
            "A CSV file in the same format as the command line import (name, email, role and the "
            "profile columns). New members get an invitation by email; members already here "
            "(same email) are updated.",
            color=style.MUTED_COLOR,
            size="2",
        ),
        _labelled_upload(
            rx.button("Choose a CSV file and import it", type="button", variant="soft"),
            label="CSV file of members to import",
            id=IMPORT_UPLOAD_ID,
            accept={"text/csv": [".csv"]},
            max_files=1,
            max_size=MAX_IMPORT_BYTES,
            multiple=False,
            no_drag=True,
            on_drop_rejected=S.csv_rejected,
            on_drop=S.import_csv(rx.upload_files(upload_id=IMPORT_UPLOAD_ID)),
        ),
        rx.cond(S.import_error != "", rx.text(S.import_error, color=style.ERROR_COLOR, role="alert")),
        rx.cond(
            S.import_summary != "",
            rx.vstack(
                rx.text(S.import_summary, weight="medium", role="status"),
                rx.cond(
                    S.import_lines.length() > 0,
                    rx.el.ul(
                        rx.foreach(S.import_lines, _import_line),
                        aria_label="Refused lines",
                        style={"margin": "0", "padding_left": "1.25rem"},
                    ),
                ),
                spacing="2",
            ),
        ),
    )


def _export_section() -> rx.Component:
    S = AdminMembersState
    return section(
        "Export as CSV",
        rx.hstack(
            rx.button("Download members", variant="outline", on_click=S.export_members),
            rx.button("Download relationships", variant="outline", on_click=S.export_relationships),
            rx.button("Download visits by month", variant="outline", on_click=S.export_visits),
            spacing="3",
            wrap="wrap",
        ),
        rx.text(
            "Exports hold no contact details, request letters or messages. Each export is recorded "
            "in the audit log.",
            color=style.MUTED_COLOR,
            size="2",
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
    return admin_page(
        "Members",
        routes.ADMIN_MEMBERS,
        rx.form(
            rx.hstack(
                rx.el.label("Find members", html_for="member-query", style={"font_weight": "500"}),
                rx.input(id="member-query", name="query", placeholder="Name or email", max_length=100),
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
        _import_section(),
        _export_section(),
    )


def _fact(label: str, value: rx.Var | str) -> rx.Component:
    return rx.fragment(
        rx.el.dt(label, style={"font_weight": "500"}),
        rx.el.dd(value, style={"margin": "0 0 0.5rem 0"}),
    )


def _confirm(
    trigger_label: str, title: str, text: rx.Var | str, action_label: str, on_confirm, color: str = "red"
) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(trigger_label, color_scheme=color, variant="soft", high_contrast=True)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(text),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button(action_label, color_scheme=color, on_click=on_confirm)),
                spacing="3",
                justify="end",
                margin_top="1rem",
            ),
        ),
    )


def _detail(m: rx.Var) -> rx.Component:
    member_id = m["id"].to(int)
    name = m["name"].to(str)
    is_active, is_admin = m["is_active"].to(bool), m["is_admin"].to(bool)
    actions = rx.hstack(
        rx.cond(
            is_active,
            _confirm(
                "Deactivate",
                "Deactivate " + name + "?",
                "They are logged out everywhere at once and cannot log in until reactivated. "
                "Mentees no longer find them.",
                "Deactivate " + name,
                AdminMemberState.set_active(member_id, False),
            ),
            _confirm(
                "Reactivate",
                "Reactivate " + name + "?",
                "They can log in again.",
                "Reactivate " + name,
                AdminMemberState.set_active(member_id, True),
                color="indigo",
            ),
        ),
        rx.cond(
            is_admin,
            _confirm(
                "Remove admin",
                "Remove the admin role from " + name + "?",
                "They keep their account but lose access to the admin pages.",
                "Remove admin role",
                AdminMemberState.set_admin(member_id, False),
            ),
            _confirm(
                "Make admin",
                "Make " + name + " an admin?",
                "Admins see every member's details, reports and the audit log.",
                "Make admin",
                AdminMemberState.set_admin(member_id, True),
                color="indigo",
            ),
        ),
        rx.cond(
            m["can_resend"].to(bool),
            rx.button(
                "Resend invitation",
                variant="outline",
                on_click=AdminMemberState.resend_invitation(member_id),
            ),
        ),
        spacing="3",
        wrap="wrap",
    )
    return rx.vstack(
        rx.hstack(
            rx.badge(m["role"].to(str), high_contrast=True),
            rx.cond(is_admin, rx.badge("Admin", high_contrast=True)),
            rx.cond(
                is_active,
                rx.badge("Active", color_scheme="green", high_contrast=True),
                rx.badge("Deactivated", color_scheme="red", high_contrast=True),
            ),
            spacing="2",
        ),
        actions,
        section(
            "Account",
            rx.el.dl(
                _fact("Email", m["email"].to(str)),
                _fact("Joined", m["joined"].to(str)),
                _fact("Last active", m["last_active"].to(str)),
                _fact("Invitation", m["invitation"].to(str)),
                _fact(
                    "Contact email",
                    rx.cond(m["contact_email"].to(str) != "", m["contact_email"].to(str), "None"),
                ),
                _fact(
                    "Contact phone",
                    rx.cond(m["contact_phone"].to(str) != "", m["contact_phone"].to(str), "None"),
                ),
                style={"margin": "0"},
            ),
        ),
        section(
            "Profile",
            rx.el.dl(
                _fact("Headline", rx.cond(m["headline"].to(str) != "", m["headline"].to(str), "None yet")),
                _fact("Profile complete", m["completeness"].to(int).to_string() + "%"),
                rx.cond(m["mentor_line"].to(str) != "", _fact("As a mentor", m["mentor_line"].to(str))),
                style={"margin": "0"},
            ),
            rx.link("View their public profile", href=m["public_url"].to(str), underline="always"),
        ),
        section("Relationships", rx.text(m["relationships"].to(str))),
        section(
            "Reports",
            rx.cond(
                m["open_reports_about"].to(int) > 0,
                rx.text(m["open_reports_about"].to(int).to_string() + " open report(s) about this member."),
                rx.text("No open reports about this member."),
            ),
            rx.link("Review reports", href=routes.ADMIN_REPORTS, underline="always"),
        ),
        spacing="5",
        width="100%",
    )


def detail_page() -> rx.Component:
    m = AdminMemberState.member.to(dict)
    return admin_page(
        rx.cond(AdminMemberState.found, m["name"].to(str), "Member"),
        routes.ADMIN_MEMBERS,
        rx.link("← All members", href=routes.ADMIN_MEMBERS, underline="always"),
        rx.cond(
            AdminMemberState.found,
            _detail(m),
            rx.cond(
                AdminMemberState.checked,
                rx.text("That member does not exist."),
                rx.text("Loading the member…"),
            ),
        ),
    )
