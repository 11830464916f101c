"""The Report a problem dialog, for a profile or for one message."""

from __future__ import annotations

import reflex as rx

from mentoring_app.components.forms import field
from mentoring_app.state.reports import ReportState


def report_dialog(
    subject_id: rx.Var,
    *,
    message_id: rx.Var | None = None,
    trigger_label: str = "Report a problem",
    trigger_name: rx.Var | str = "Report a problem",
) -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(trigger_label, variant="ghost", size="1", color_scheme="gray", aria_label=trigger_name)
        ),
        rx.dialog.content(
            rx.dialog.title("Report a problem"),
            rx.dialog.description(
                "Tell the platform's admins what is wrong. The member is not told who reported it.", size="2"
            ),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="subject", value=subject_id.to_string()),
                    rx.el.input(type="hidden", name="message", value=message_id.to_string())
                    if message_id is not None
                    else rx.fragment(),
                    field("What is the problem?", "reason", errors=ReportState.errors, multiline=True),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", type="button", variant="soft")),
                        rx.dialog.close(rx.button("Send report", type="submit")),
                        justify="end",
                    ),
                    width="100%",
                ),
                on_submit=ReportState.submit,
                reset_on_submit=True,
                aria_label="Report a problem",
            ),
        ),
    )
