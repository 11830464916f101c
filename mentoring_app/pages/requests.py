"""Requests: incoming for mentors (Accept, Decline, Message later), outgoing for mentees (Edit,
Cancel), and accepted relationships with contact details and Withdraw."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.forms import field
from mentoring_app.components.layout import page_shell
from mentoring_app.services.mentoring.relationships import DECLINE_REASONS, MAX_TEXT, REQUEST_HINT
from mentoring_app.state.requests import RequestCard, RequestsState, SuggestionOption
from mentoring_app.state.session import SessionState


def _choice(option: rx.Var[SuggestionOption]) -> rx.Component:
    return rx.el.option(option["name"].to(str), value=option["id"].to(str))


def _suggestion() -> rx.Component:
    error = RequestsState.errors["suggested_mentor"].to(str)
    return rx.el.div(
        rx.el.label(
            "Suggest another mentor (optional)",
            html_for="suggested-mentor",
            style={"font_weight": "500", "display": "block", "margin_bottom": "0.35rem"},
        ),
        rx.el.select(
            rx.el.option("No suggestion", value=""),
            rx.cond(
                RequestsState.best_fits.length() > 0,
                rx.el.optgroup(
                    rx.foreach(RequestsState.best_fits, _choice), label="Best fit for this mentee"
                ),
            ),
            rx.cond(
                RequestsState.suggestions.length() > 0,
                rx.el.optgroup(
                    rx.foreach(RequestsState.suggestions, _choice),
                    label=rx.cond(RequestsState.best_fits.length() > 0, "Other mentors", "Mentors by name"),
                ),
            ),
            id="suggested-mentor",
            name="suggested",
            style={
                "width": "100%",
                "padding": "0.5rem",
                "border": "1px solid var(--gray-a7)",
                "border_radius": "var(--radius-2)",
            },
        ),
        rx.cond(error, rx.text(error, color=style.ERROR_COLOR, size="2", role="alert")),
        width="100%",
    )


def _decline_form(card: rx.Var[RequestCard]) -> rx.Component:
    reason_error = RequestsState.errors["reason"].to(str)
    return rx.form(
        rx.vstack(
            rx.el.fieldset(
                rx.el.legend("Why are you declining?", style={"font_weight": "500"}),
                *(
                    rx.el.label(
                        rx.el.input(type="radio", name="reason", value=key, required=True),
                        label,
                        style={"display": "flex", "gap": "0.5rem", "align_items": "center"},
                    )
                    for key, label in DECLINE_REASONS.items()
                ),
                rx.cond(reason_error, rx.text(reason_error, color=style.ERROR_COLOR, size="2", role="alert")),
                style={"border": "none", "padding": "0", "margin": "0"},
            ),
            field(
                "A note for the mentee (optional)",
                "note",
                errors=RequestsState.errors,
                multiline=True,
                required=False,
            ),
            _suggestion(),
            rx.hstack(
                rx.button("Decline request", type="submit", color_scheme="red"),
                rx.button("Keep it", type="button", variant="soft", on_click=RequestsState.stop),
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=RequestsState.decline,
        reset_on_submit=False,
        aria_label="Decline " + card["other_name"].to(str),
    )


def _edit_form(card: rx.Var[RequestCard]) -> rx.Component:
    return rx.form(
        rx.vstack(
            field(
                "Your request",
                "request_text",
                errors=RequestsState.errors,
                multiline=True,
                default_value=card["text"].to(str),
                hint="Your mentor is told that you edited it. " + REQUEST_HINT,
                max_length=MAX_TEXT,
            ),
            rx.hstack(
                rx.button("Save request", type="submit"),
                rx.button("Keep it as it was", type="button", variant="soft", on_click=RequestsState.stop),
            ),
            width="100%",
        ),
        on_submit=RequestsState.save_edit,
        reset_on_submit=False,
        aria_label="Edit your request",
    )


def _withdraw(card: rx.Var[RequestCard]) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button("Withdraw", variant="soft", color_scheme="red", high_contrast=True)
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Withdraw from this relationship?"),
            rx.alert_dialog.description(
                "The other member will be told. Your goals and messages stay on record.", size="2"
            ),
            rx.form(
                rx.vstack(
                    rx.el.input(type="hidden", name="relationship_id", value=card["id"].to(str)),
                    field(
                        "Reason (optional)",
                        "reason",
                        errors=RequestsState.errors,
                        multiline=True,
                        required=False,
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(rx.button("Stay", type="button", variant="soft")),
                        rx.alert_dialog.action(rx.button("Withdraw", type="submit", color_scheme="red")),
                        justify="end",
                    ),
                ),
                on_submit=RequestsState.withdraw,
                reset_on_submit=True,
                aria_label="Withdraw",
            ),
        ),
    )


def _card(card: rx.Var[RequestCard], incoming: bool) -> rx.Component:
    status = card["status"].to(str)
    request_id = card["id"].to(int)
    actions = (
        rx.cond(
            status == "requested",
            rx.cond(
                RequestsState.declining == request_id,
                _decline_form(card),
                rx.hstack(
                    rx.button("Accept", on_click=RequestsState.accept(request_id)),
                    rx.button(
                        "Decline",
                        variant="soft",
                        color_scheme="red",
                        on_click=RequestsState.start_decline(request_id),
                    ),
                ),
            ),
        )
        if incoming
        else rx.cond(
            status == "requested",
            rx.cond(
                RequestsState.editing == request_id,
                _edit_form(card),
                rx.hstack(
                    rx.button("Edit", variant="soft", on_click=RequestsState.start_edit(request_id)),
                    rx.button(
                        "Cancel",
                        variant="soft",
                        color_scheme="red",
                        on_click=RequestsState.cancel(request_id),
                    ),
                ),
            ),
        )
    )
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(
                        rx.link(
                            card["other_name"].to(str), href=card["other_url"].to(str), underline="always"
                        ),
                        as_="h3",
                        size="4",
                    ),
                    rx.badge(card["status_label"].to(str), high_contrast=True),
                    rx.text("Sent ", card["sent"].to(str), size="2", color=style.MUTED_COLOR),
                    rx.link("Message", href=card["message_url"].to(str), underline="always", size="2"),
                    wrap="wrap",
                    align="center",
                ),
                rx.text(card["text"].to(str), white_space="pre-wrap"),
                rx.cond(
                    status == "declined",
                    rx.vstack(
                        rx.text("Reason: ", card["decline_reason"].to(str), weight="medium"),
                        rx.cond(card["decline_note"].to(str), rx.text(card["decline_note"].to(str))),
                        rx.cond(
                            card["suggested_name"].to(str),
                            rx.text(
                                "Suggested mentor: ",
                                rx.link(
                                    card["suggested_name"].to(str),
                                    href=card["suggested_url"].to(str),
                                    underline="always",
                                ),
                            ),
                        ),
                        rx.cond(
                            not incoming, rx.link("Find mentor", href=routes.FIND_MENTOR, underline="always")
                        ),
                        spacing="1",
                    ),
                ),
                rx.cond(
                    (status == "accepted") | (status == "ended") | (status == "withdrawn"),
                    rx.button(
                        rx.link(
                            "Open the relationship dashboard",
                            href=routes.RELATIONSHIPS + "/" + request_id.to_string(),
                        ),
                        as_child=True,
                        variant="soft",
                    ),
                ),
                rx.cond(
                    status == "accepted",
                    rx.vstack(
                        rx.heading("Contact details", as_="h4", size="3"),
                        rx.foreach(card["contact"].to(list[str]), lambda line: rx.text(line)),
                        rx.cond(
                            not incoming,
                            rx.callout(
                                "Contact your mentor to arrange your first conversation.", icon="calendar"
                            ),
                        ),
                        _withdraw(card),
                        spacing="2",
                        width="100%",
                    ),
                ),
                actions,
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def _section(title: str, cards: rx.Var[list[RequestCard]], incoming: bool, empty: str) -> rx.Component:
    return rx.vstack(
        rx.heading(title, as_="h2", size="5"),
        rx.cond(
            cards.length() > 0,
            rx.el.ul(
                rx.foreach(cards, lambda c: _card(c, incoming)),
                style=style.CARD_LIST,
                aria_label=title,
            ),
            rx.text(empty, color=style.MUTED_COLOR),
        ),
        spacing="3",
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        rx.vstack(
            rx.heading("Requests", as_="h1", size="7"),
            rx.cond(
                RequestsState.loaded,
                rx.vstack(
                    rx.cond(
                        SessionState.is_mentor,
                        _section("Requests to you", RequestsState.incoming, True, "No requests yet."),
                    ),
                    rx.cond(
                        SessionState.is_mentee,
                        _section(
                            "Your requests",
                            RequestsState.outgoing,
                            False,
                            "You have not sent a request yet. Find mentor helps you choose.",
                        ),
                    ),
                    spacing="6",
                    width="100%",
                ),
                rx.text("Loading your requests…"),
            ),
            spacing="4",
            width="100%",
        )
    )
