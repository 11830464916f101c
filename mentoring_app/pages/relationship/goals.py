"""Goals: the SMART goal tool, statuses and milestones with progress."""

from __future__ import annotations

import reflex as rx

from mentoring_app import style
from mentoring_app.components.forms import field
from mentoring_app.pages.relationship.common import (
    S,
    guides_for_stage,
    heading,
    muted,
)
from mentoring_app.state.dashboard_goals import GoalCard, MilestoneCard, MoveButton, SmartCard


def _smart_help(part: rx.Var[SmartCard]) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.text.strong(part["letter"].to(str), " — ", part["label"].to(str)),
            ": ",
            part["explanation"].to(str),
        ),
        muted("Example: ", part["example"].to(str)),
    )


def _goal_form() -> rx.Component:
    errors = S.goal_errors
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Propose a SMART goal", as_="h3", size="4"),
                rx.el.ul(rx.foreach(S.smart, _smart_help), style={"padding_left": "1.2rem", "margin": "0"}),
                field(
                    "Specific: what exactly do you want to achieve?",
                    "specific",
                    errors=errors,
                    rows="2",
                    multiline=True,
                    max_length=300,
                ),
                field(
                    "Measurable: how will you see success?",
                    "measurable",
                    errors=errors,
                    rows="2",
                    multiline=True,
                    max_length=500,
                ),
                field(
                    "Achievable: why is it within reach?",
                    "achievable",
                    errors=errors,
                    rows="2",
                    multiline=True,
                    max_length=500,
                ),
                field(
                    "Relevant: why does it matter for your work?",
                    "relevant",
                    errors=errors,
                    rows="2",
                    multiline=True,
                    max_length=500,
                ),
                field("Time-bound: target date", "target_date", errors=errors, input_type="date"),
                rx.hstack(
                    rx.button("Propose goal", type="submit", disabled=~rx.State.is_hydrated),
                    rx.button(
                        "Close", type="button", variant="soft", high_contrast=True, on_click=S.close_goal_form
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            key=S.goal_form_key,
            on_submit=S.propose_goal,
            aria_label="Propose a SMART goal",
        ),
        width="100%",
    )


def _milestone(goal: rx.Var[GoalCard], milestone: rx.Var[MilestoneCard]) -> rx.Component:
    """A milestone: its checkbox in a column of its own, so the title (however long, on however
    narrow a screen) wraps beside it, never below it; dates, badges and Remove follow the title."""
    done = milestone["done"].to(bool)
    return rx.el.li(
        rx.flex(
            rx.checkbox(
                checked=done,
                on_change=lambda value: S.mark_milestone(milestone["id"].to(int), value),
                disabled=goal["read_only"].to(bool),
                aria_label="Done: " + milestone["title"].to(str),
                style={"flex_shrink": "0", "margin_top": "0.2rem"},
            ),
            rx.box(
                rx.flex(
                    rx.text(
                        milestone["title"].to(str),
                        text_decoration=rx.cond(done, "line-through", "none"),
                        style={"overflow_wrap": "anywhere", "margin_right": "0.25rem"},
                    ),
                    rx.cond(milestone["due"].to(str) != "", muted("due ", milestone["due"].to(str))),
                    rx.cond(done, rx.badge("Done " + milestone["done_on"].to(str), color_scheme="green")),
                    rx.cond(milestone["overdue"].to(bool), rx.badge("Overdue", color_scheme="red")),
                    rx.cond(
                        ~goal["read_only"].to(bool),
                        rx.button(
                            "Remove",
                            size="1",
                            variant="ghost",
                            high_contrast=True,
                            color_scheme="red",
                            on_click=S.delete_milestone(milestone["id"].to(int)),
                            aria_label="Remove milestone: " + milestone["title"].to(str),
                        ),
                    ),
                    wrap="wrap",
                    align="center",
                    gap="0.25rem 0.5rem",
                ),
                rx.cond(milestone["note"].to(str) != "", muted(milestone["note"].to(str))),
                style={"flex": "1", "min_width": "0"},
            ),
            align="start",
            spacing="2",
            wrap="nowrap",
        ),
        style={"list_style": "none"},
    )


def _milestone_form() -> rx.Component:
    errors = S.milestone_errors
    return rx.form(
        rx.vstack(
            field("Milestone", "milestone_title", errors=errors, error_key="title", max_length=200),
            field(
                "Due date (optional)",
                "milestone_due",
                errors=errors,
                error_key="due_date",
                input_type="date",
                required=False,
            ),
            field(
                "Note (optional)",
                "milestone_note",
                errors=errors,
                error_key="note",
                required=False,
                multiline=True,
                rows="2",
            ),
            rx.hstack(
                rx.button("Add milestone", type="submit", disabled=~rx.State.is_hydrated),
                rx.button(
                    "Close",
                    type="button",
                    variant="soft",
                    high_contrast=True,
                    on_click=S.close_milestone_form,
                ),
            ),
            width="100%",
        ),
        on_submit=S.add_milestone,
        aria_label="Add a milestone",
        width="100%",
    )


def _goal(goal: rx.Var[GoalCard]) -> rx.Component:
    goal_id = goal["id"].to(int)
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(goal["specific"].to(str), as_="h3", size="3"),
                    rx.badge(goal["status_label"].to(str), high_contrast=True),
                    rx.cond(goal["overdue"].to(bool), rx.badge("Past its target date", color_scheme="red")),
                    wrap="wrap",
                    align="center",
                ),
                rx.data_list.root(
                    rx.data_list.item(
                        rx.data_list.label("Measurable"), rx.data_list.value(goal["measurable"].to(str))
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Achievable"), rx.data_list.value(goal["achievable"].to(str))
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Relevant"), rx.data_list.value(goal["relevant"].to(str))
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Target date"), rx.data_list.value(goal["target"].to(str))
                    ),
                    rx.data_list.item(
                        rx.data_list.label("Proposed by"), rx.data_list.value(goal["proposed_by"].to(str))
                    ),
                    size="2",
                ),
                rx.progress(
                    value=goal["percent"].to(int),
                    max=100,
                    aria_label="Progress: " + goal["specific"].to(str),
                ),
                muted(goal["percent"].to(int).to_string() + "% · " + goal["progress_text"].to(str)),
                rx.el.ul(
                    rx.foreach(goal["milestones"].to(list[MilestoneCard]), lambda m: _milestone(goal, m)),
                    style={"padding": "0", "margin": "0", "display": "grid", "gap": "0.35rem"},
                    aria_label="Milestones",
                ),
                rx.cond(
                    ~goal["read_only"].to(bool),
                    rx.cond(
                        S.milestone_goal == goal_id,
                        _milestone_form(),
                        rx.hstack(
                            rx.button(
                                "Add a milestone",
                                size="2",
                                variant="soft",
                                high_contrast=True,
                                on_click=S.open_milestone_form(goal_id),
                            ),
                            rx.foreach(
                                goal["moves"].to(list[MoveButton]),
                                lambda move: rx.button(
                                    move["label"].to(str),
                                    size="2",
                                    variant=rx.cond(move["status"].to(str) == "dropped", "outline", "solid"),
                                    high_contrast=True,
                                    color_scheme=rx.cond(
                                        move["status"].to(str) == "dropped", "red", "indigo"
                                    ),
                                    on_click=S.move_goal(goal_id, move["status"].to(str)),
                                ),
                            ),
                            wrap="wrap",
                        ),
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def goals() -> rx.Component:
    return rx.vstack(
        heading("Goals"),
        muted(
            "Journey ", S.journey_number.to_string(), ". Goals of earlier journeys stay on record, read-only."
        ),
        rx.cond(
            S.agreement_editable,
            rx.cond(
                S.goal_form_open,
                _goal_form(),
                rx.button("Propose a SMART goal", on_click=S.open_goal_form, disabled=~rx.State.is_hydrated),
            ),
        ),
        rx.cond(
            S.goal_list.length() > 0,
            rx.el.ul(
                rx.foreach(
                    S.goal_list,
                    lambda g: rx.fragment(
                        rx.cond(
                            g["journey"].to(int) != S.journey_number,
                            rx.el.li(
                                rx.heading(
                                    "Journey " + g["journey"].to(int).to_string() + " (on record)",
                                    as_="h3",
                                    size="3",
                                ),
                                style={"list_style": "none"},
                            ),
                        ),
                        _goal(g),
                    ),
                ),
                style=style.CARD_LIST,
                aria_label="Goals",
            ),
            muted("No goals yet. Propose one: the SMART tool guides you through it."),
        ),
        guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )
