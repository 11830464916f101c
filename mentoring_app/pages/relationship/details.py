"""Details: partner, status, dates, contact details while active, and Withdraw."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes
from mentoring_app.components.avatar import member_face
from mentoring_app.components.forms import field
from mentoring_app.pages.relationship.common import (
    S,
    guides_for_stage,
    heading,
    muted,
)


def _withdraw_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Withdraw", variant="soft", color_scheme="red", high_contrast=True)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Withdraw from this relationship?"),
            rx.alert_dialog.description(
                "Your partner will be told. Your goals, meetings and messages stay on record.", size="2"
            ),
            rx.form(
                rx.vstack(
                    field(
                        "Reason (optional)",
                        "reason",
                        errors=S.no_errors,
                        multiline=True,
                        required=False,
                        rows="3",
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button("Stay", type="button", variant="soft", high_contrast=True)
                        ),
                        rx.alert_dialog.action(
                            rx.button("Withdraw", type="submit", color_scheme="red", high_contrast=True)
                        ),
                        justify="end",
                    ),
                ),
                on_submit=S.withdraw,
                reset_on_submit=True,
                aria_label="Withdraw",
            ),
        ),
    )


def details() -> rx.Component:
    def row(label: str, value: rx.Var | str) -> rx.Component:
        return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))

    return rx.vstack(
        heading("Details"),
        rx.hstack(
            member_face(
                name=S.partner_name,
                photo=S.partner_photo,
                initials=S.partner_initials,
                colour=S.partner_colour,
                size="56px",
            ),
            rx.vstack(
                rx.link(
                    S.partner_name,
                    href=routes.MEMBERS + "/" + S.partner_id.to_string(),
                    size="4",
                    weight="bold",
                    underline="always",
                ),
                muted(S.partner_headline),
                spacing="1",
            ),
            align="center",
            spacing="3",
        ),
        rx.data_list.root(
            row("Your role", rx.cond(S.my_role == "mentor", "Mentor", "Mentee")),
            row("Status", S.status_label),
            row("Requested", S.requested_on),
            row("Accepted", rx.cond(S.accepted_on != "", S.accepted_on, "—")),
            rx.cond(
                S.ended_on != "", row(rx.cond(S.status == "withdrawn", "Withdrawn", "Ended"), S.ended_on)
            ),
            rx.cond(S.end_reason != "", row("Reason given", S.end_reason)),
            row("Journey", S.journey_number.to_string()),
        ),
        rx.cond(
            S.status == "accepted",
            rx.vstack(
                rx.heading("Contact details", as_="h3", size="4"),
                rx.data_list.root(
                    row("Email", rx.link(S.contact_email, href="mailto:" + S.contact_email)),
                    row("Phone", rx.cond(S.contact_phone != "", S.contact_phone, "Not given")),
                    row("Prefers", S.contact_preferred),
                ),
                rx.cond(
                    (S.my_role == "mentee") & (S.meetings_held == 0),
                    rx.callout(
                        "Contact your mentor to arrange your first conversation. Tools has what to "
                        "cover and a mentoring agreement to fill in together.",
                        icon="info",
                        high_contrast=True,
                    ),
                ),
                _withdraw_dialog(),
                spacing="3",
                width="100%",
            ),
            muted("Contact details are shown only while the relationship is active."),
        ),
        guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )
