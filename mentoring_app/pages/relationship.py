"""The relationship dashboard: Progress at a glance, then Details, Messages, Tools, Goals, Meetings,
Guides and videos, and Ending, for the two members of one relationship."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.forms import field
from mentoring_app.components.layout import page_shell
from mentoring_app.pages.messages import message_item
from mentoring_app.state.dashboard import DashboardState, GuideLink, VideoCard
from mentoring_app.state.dashboard_goals import GoalCard, MilestoneCard, MoveButton, SmartCard
from mentoring_app.state.dashboard_meetings import MeetingCard
from mentoring_app.state.dashboard_tools import AgreementItem

S = DashboardState
TABS = (
    ("details", "Details"),
    ("messages", "Messages"),
    ("tools", "Tools"),
    ("goals", "Goals"),
    ("meetings", "Meetings"),
    ("guides", "Guides and videos"),
    ("ending", "Ending"),
)


def _heading(text: str) -> rx.Component:
    return rx.heading(text, as_="h2", size="5")


def _muted(*children, **props) -> rx.Component:
    return rx.text(*children, color=style.MUTED_COLOR, size="2", **props)


def _read_only_note() -> rx.Component:
    return rx.cond(
        S.read_only,
        rx.callout(
            "This relationship has ended, so its dashboard is read-only. Everything stays on record.",
            icon="lock",
            high_contrast=True,
            width="100%",
        ),
    )


def _stat(label: str, value: rx.Var | str, detail: rx.Var | str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            _muted(label),
            rx.text(value, size="6", weight="bold"),
            rx.cond(detail != "", _muted(detail)),
            spacing="1",
        ),
        min_width="10rem",
        flex="1",
    )


def _progress_at_a_glance() -> rx.Component:
    return rx.el.section(
        _heading("Progress at a glance"),
        rx.flex(
            _stat("Goals achieved", S.goals_achieved.to_string() + " of " + S.goals_total.to_string()),
            _stat("Milestones done", S.milestones_done.to_string() + " of " + S.milestones_total.to_string()),
            _stat("Meetings held", S.meetings_held.to_string(), S.meeting_hours + " hours"),
            _stat("Since last contact", S.days_since_contact),
            wrap="wrap",
            gap="3",
            padding_top="0.5rem",
        ),
        aria_label="Progress at a glance",
        width="100%",
    )


def _guides_for_stage() -> rx.Component:
    """Each section links to the guides for its stage."""

    def link(guide: rx.Var[GuideLink]) -> rx.Component:
        return rx.el.li(
            rx.link(guide["title"].to(str), href=guide["url"].to(str), underline="always"),
            " · ",
            guide["minutes"].to(int).to_string() + " min read",
        )

    return rx.cond(
        S.shelf_guides.length() > 0,
        rx.box(
            rx.text("Guides for this stage (", S.shelf_label, ")", weight="medium", size="2"),
            rx.el.ul(rx.foreach(S.shelf_guides, link), style={"padding_left": "1.2rem", "margin": "0"}),
            padding="0.75rem",
            border_radius="var(--radius-3)",
            background="var(--gray-2)",
            width="100%",
        ),
    )


# ----- Details -----


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


def _details() -> rx.Component:
    def row(label: str, value: rx.Var | str) -> rx.Component:
        return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))

    return rx.vstack(
        _heading("Details"),
        rx.hstack(
            rx.avatar(src=S.partner_photo, fallback=S.partner_name[:1], size="5", alt=""),
            rx.vstack(
                rx.link(
                    S.partner_name,
                    href=routes.MEMBERS + "/" + S.partner_id.to_string(),
                    size="4",
                    weight="bold",
                    underline="always",
                ),
                _muted(S.partner_headline),
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
            _muted("Contact details are shown only while the relationship is active."),
        ),
        _guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )


# ----- Messages -----


def _messages() -> rx.Component:
    return rx.vstack(
        _heading("Messages"),
        rx.cond(
            S.messages.length() > 0,
            rx.el.ol(
                rx.foreach(S.messages, lambda m: message_item(m, S.partner_id)),
                style=style.CARD_LIST,
                aria_label="Messages, oldest first",
                aria_live="polite",
            ),
            _muted("No messages yet: say hello."),
        ),
        rx.cond(
            S.status == "accepted",
            rx.form(
                rx.vstack(
                    field(
                        "Your message",
                        "body",
                        errors=S.message_errors,
                        multiline=True,
                        max_length=5000,
                        hint="Plain text, at most 5,000 characters.",
                        rows="3",
                    ),
                    rx.button("Send message", type="submit", disabled=~rx.State.is_hydrated),
                    width="100%",
                ),
                key=S.message_form_key,
                on_submit=S.send_message,
                reset_on_submit=True,
                aria_label="Send message",
            ),
        ),
        _guides_for_stage(),
        spacing="4",
        width="100%",
    )


# ----- Tools -----


def _agreement_field(item: rx.Var[AgreementItem]) -> rx.Component:
    key = item["key"].to(str)
    error = S.agreement_errors[key].to(str)
    return rx.el.div(
        rx.el.label(
            item["label"].to(str),
            rx.cond(item["needed"].to(bool), " (needed to confirm)", ""),
            html_for="agreement-" + key,
            style={"font_weight": "500", "display": "block"},
        ),
        _muted(item["hint"].to(str), id="agreement-hint-" + key),
        rx.text_area(
            id="agreement-" + key,
            name=key,
            default_value=item["value"].to(str),
            rows="3",
            width="100%",
            resize="vertical",
            max_length=2000,
            read_only=~S.agreement_editable,
            aria_describedby="agreement-hint-" + key,
            aria_invalid=rx.cond(error, "true", "false"),
        ),
        rx.cond(error, rx.text(error, size="2", color=style.ERROR_COLOR, role="alert")),
        style={"display": "flex", "flex_direction": "column", "gap": "0.35rem", "width": "100%"},
    )


def _bullets(items: rx.Var[list[str]]) -> rx.Component:
    return rx.el.ul(rx.foreach(items, lambda t: rx.el.li(t)), style={"padding_left": "1.2rem", "margin": "0"})


def _tools() -> rx.Component:
    return rx.vstack(
        _heading("Tools"),
        rx.heading("First conversation preparation", as_="h3", size="4"),
        rx.text("What to cover:", weight="medium"),
        _bullets(S.topics),
        rx.text("Questions the mentee might ask the mentor:", weight="medium"),
        _bullets(S.questions_for_mentor),
        rx.text("Questions the mentor might ask the mentee:", weight="medium"),
        _bullets(S.questions_for_mentee),
        rx.heading("Mentoring agreement", as_="h3", size="4", padding_top="0.5rem"),
        rx.callout(
            rx.text(S.my_confirmation, " ", S.partner_confirmation),
            icon=rx.cond(S.agreement_state == "confirmed", "circle_check", "info"),
            high_contrast=True,
            color_scheme=rx.cond(S.agreement_state == "confirmed", "green", "blue"),
            width="100%",
        ),
        rx.form(
            rx.vstack(
                rx.foreach(S.agreement_items, _agreement_field),
                rx.cond(
                    S.agreement_editable,
                    rx.button("Save the agreement", type="submit", disabled=~rx.State.is_hydrated),
                ),
                width="100%",
                spacing="3",
            ),
            key=S.agreement_form_key,
            on_submit=S.save_agreement,
            aria_label="Mentoring agreement",
            width="100%",
        ),
        rx.cond(
            S.agreement_editable & ~S.agreement_confirmed_by_me & (S.agreement_version > 0),
            rx.button(
                "Confirm the agreement",
                on_click=S.confirm_agreement,
                color_scheme="green",
                high_contrast=True,
                disabled=~rx.State.is_hydrated,
            ),
        ),
        _muted("Editing the agreement after a confirmation asks both of you to confirm it again."),
        rx.hstack(
            rx.text("Ready to set a goal?"),
            rx.button(
                "Open the SMART goal tool",
                variant="soft",
                high_contrast=True,
                on_click=S.open_section("goals"),
            ),
            align="center",
            wrap="wrap",
        ),
        _guides_for_stage(),
        spacing="3",
        width="100%",
        align="start",
    )


# ----- Goals -----


def _smart_help(part: rx.Var[SmartCard]) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.text.strong(part["letter"].to(str), " — ", part["label"].to(str)),
            ": ",
            part["explanation"].to(str),
        ),
        _muted("Example: ", part["example"].to(str)),
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
    done = milestone["done"].to(bool)
    return rx.el.li(
        rx.hstack(
            rx.checkbox(
                checked=done,
                on_change=lambda value: S.mark_milestone(milestone["id"].to(int), value),
                disabled=goal["read_only"].to(bool),
                aria_label="Done: " + milestone["title"].to(str),
            ),
            rx.text(
                milestone["title"].to(str),
                text_decoration=rx.cond(done, "line-through", "none"),
            ),
            rx.cond(milestone["due"].to(str) != "", _muted("due ", milestone["due"].to(str))),
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
            spacing="2",
        ),
        rx.cond(milestone["note"].to(str) != "", _muted(milestone["note"].to(str))),
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
                _muted(goal["percent"].to(int).to_string() + "% · " + goal["progress_text"].to(str)),
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


def _goals() -> rx.Component:
    return rx.vstack(
        _heading("Goals"),
        _muted(
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
            _muted("No goals yet. Propose one: the SMART tool guides you through it."),
        ),
        _guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )


# ----- Meetings -----


def _meeting(meeting: rx.Var[MeetingCard], planned: bool) -> rx.Component:
    meeting_id = meeting["id"].to(int)
    return rx.el.li(
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.text(meeting["when"].to(str), weight="bold"),
                    _muted(meeting["duration"].to(str)),
                    wrap="wrap",
                ),
                rx.cond(
                    meeting["place_link"].to(str) != "",
                    rx.link(meeting["place"].to(str), href=meeting["place_link"].to(str), is_external=True),
                    rx.cond(meeting["place"].to(str) != "", rx.text(meeting["place"].to(str))),
                ),
                rx.cond(
                    meeting["agenda"].to(str) != "",
                    rx.text("Agenda: ", meeting["agenda"].to(str), white_space="pre-wrap"),
                ),
                rx.cond(
                    meeting["notes"].to(str) != "",
                    rx.text("Notes: ", meeting["notes"].to(str), white_space="pre-wrap"),
                ),
                rx.cond(
                    meeting["next_steps"].to(str) != "",
                    rx.text("Next steps: ", meeting["next_steps"].to(str), white_space="pre-wrap"),
                ),
                rx.hstack(
                    rx.button(
                        "Download calendar invite",
                        size="2",
                        variant="soft",
                        high_contrast=True,
                        on_click=S.download_invite(meeting_id),
                    ),
                    rx.cond(
                        meeting["can_edit"].to(bool),
                        rx.button(
                            "Cancel meeting",
                            size="2",
                            variant="outline",
                            high_contrast=True,
                            color_scheme="red",
                            on_click=S.cancel_meeting(meeting_id),
                        ),
                    ),
                )
                if planned
                else rx.fragment(),
                spacing="1",
                width="100%",
            ),
            width="100%",
        ),
        style={"list_style": "none"},
    )


def _meetings() -> rx.Component:
    schedule = rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Schedule the next meeting", as_="h3", size="4"),
                _muted("Times are in your time zone: ", S.time_zone_label, "."),
                rx.flex(
                    field(
                        "Date",
                        "meeting_date",
                        errors=S.schedule_errors,
                        input_type="date",
                        error_key="starts_at",
                    ),
                    field("Time", "meeting_time", errors=S.schedule_errors, input_type="time"),
                    field(
                        "Length (minutes)",
                        "duration_minutes",
                        errors=S.schedule_errors,
                        input_type="number",
                        default_value="60",
                    ),
                    gap="3",
                    wrap="wrap",
                    width="100%",
                ),
                field(
                    "Where (a place, a phone number or a video link)",
                    "place",
                    errors=S.schedule_errors,
                    required=False,
                    max_length=300,
                ),
                field(
                    "Agenda (optional)",
                    "agenda",
                    errors=S.schedule_errors,
                    required=False,
                    multiline=True,
                    rows="2",
                ),
                rx.button("Schedule meeting", type="submit", disabled=~rx.State.is_hydrated),
                width="100%",
            ),
            key=S.meeting_form_key,
            on_submit=S.schedule_meeting,
            aria_label="Schedule the next meeting",
        ),
        width="100%",
    )
    log = rx.card(
        rx.form(
            rx.vstack(
                rx.heading("Log a meeting", as_="h3", size="4"),
                rx.flex(
                    field("Date held", "held_on", errors=S.log_errors, input_type="date"),
                    field(
                        "Length (minutes)",
                        "held_minutes",
                        errors=S.log_errors,
                        input_type="number",
                        error_key="duration_minutes",
                        default_value="60",
                    ),
                    gap="3",
                    wrap="wrap",
                    width="100%",
                ),
                field("Notes", "notes", errors=S.log_errors, required=False, multiline=True, rows="3"),
                field(
                    "Next steps", "next_steps", errors=S.log_errors, required=False, multiline=True, rows="2"
                ),
                rx.button("Log meeting", type="submit", disabled=~rx.State.is_hydrated),
                width="100%",
            ),
            key=S.meeting_form_key,
            on_submit=S.log_meeting,
            aria_label="Log a meeting",
        ),
        width="100%",
    )
    return rx.vstack(
        _heading("Meetings"),
        rx.heading("Planned", as_="h3", size="4"),
        rx.cond(
            S.planned_meetings.length() > 0,
            rx.el.ul(
                rx.foreach(S.planned_meetings, lambda m: _meeting(m, True)),
                style=style.CARD_LIST,
                aria_label="Planned meetings",
            ),
            _muted("No meeting planned."),
        ),
        rx.cond(~S.read_only, schedule),
        rx.heading("Held", as_="h3", size="4"),
        rx.cond(
            S.held_meetings.length() > 0,
            rx.el.ul(
                rx.foreach(S.held_meetings, lambda m: _meeting(m, False)),
                style=style.CARD_LIST,
                aria_label="Meetings held",
            ),
            _muted("No meeting logged yet. Meetings you log count towards your CPD record."),
        ),
        rx.cond(~S.read_only, log),
        _guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )


# ----- Guides and videos -----


def _guides() -> rx.Component:
    def guide(item: rx.Var[GuideLink]) -> rx.Component:
        return rx.el.li(
            rx.card(
                rx.vstack(
                    rx.link(
                        item["title"].to(str), href=item["url"].to(str), weight="bold", underline="always"
                    ),
                    _muted(item["summary"].to(str)),
                    _muted(item["minutes"].to(int).to_string() + " min read"),
                    spacing="1",
                ),
                width="100%",
            ),
            style={"list_style": "none"},
        )

    def video(item: rx.Var[VideoCard]) -> rx.Component:
        return rx.el.li(
            rx.card(
                rx.vstack(
                    rx.cond(
                        item["file_url"].to(str) != "",
                        rx.vstack(
                            rx.text(item["title"].to(str), weight="bold"),
                            rx.el.video(
                                src=item["file_url"].to(str),
                                controls=True,
                                preload="metadata",
                                width="100%",
                                aria_label=item["title"].to(str),
                            ),
                            width="100%",
                        ),
                        rx.cond(
                            item["url"].to(str) != "",
                            rx.link(item["title"].to(str), href=item["url"].to(str), is_external=True),
                            rx.text(item["title"].to(str), weight="bold"),
                        ),
                    ),
                    rx.el.details(
                        rx.el.summary("Transcript"),
                        rx.text(item["transcript"].to(str), white_space="pre-wrap", size="2"),
                    ),
                ),
                width="100%",
            ),
            style={"list_style": "none"},
        )

    return rx.vstack(
        _heading("Guides and videos"),
        rx.text(
            "Guidance for this stage (",
            S.shelf_label,
            "). The ",
            rx.link("whole library", href=routes.GUIDES, underline="always"),
            " covers preparing, the first conversation, goal setting, progressing and ending.",
        ),
        rx.el.ul(rx.foreach(S.shelf_guides, guide), style=style.CARD_LIST, aria_label="Guides"),
        rx.cond(
            S.shelf_videos.length() > 0,
            rx.el.ul(rx.foreach(S.shelf_videos, video), style=style.CARD_LIST, aria_label="Videos"),
        ),
        spacing="4",
        width="100%",
        align="start",
    )


# ----- Ending -----


def _ending() -> rx.Component:
    confirm_end = rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("End the relationship", color_scheme="red", high_contrast=True)),
        rx.alert_dialog.content(
            rx.alert_dialog.title("End this mentoring relationship?"),
            rx.alert_dialog.description(
                "The dashboard becomes read-only and stays on record. Your partner will be told.", size="2"
            ),
            rx.form(
                rx.vstack(
                    field(
                        "A closing note (optional)",
                        "end_reason",
                        errors=S.no_errors,
                        required=False,
                        multiline=True,
                        rows="3",
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button("Not yet", type="button", variant="soft", high_contrast=True)
                        ),
                        rx.alert_dialog.action(
                            rx.button("End the relationship", type="submit", color_scheme="red")
                        ),
                        justify="end",
                    ),
                ),
                on_submit=S.end_relationship,
                aria_label="End the relationship",
            ),
        ),
    )
    return rx.vstack(
        _heading("Ending"),
        rx.text("Bringing mentoring to a good close:", weight="medium"),
        _bullets(S.ending_tips),
        rx.heading("Reflections", as_="h3", size="4"),
        rx.cond(
            S.can_write_reflection,
            rx.form(
                rx.vstack(
                    field(
                        "Your reflection",
                        "reflection",
                        errors=S.reflection_errors,
                        error_key="text",
                        multiline=True,
                        rows="4",
                        default_value=S.my_reflection,
                        hint="What went well, what you learnt, what you will do next.",
                        max_length=3000,
                    ),
                    rx.button("Save reflection", type="submit", disabled=~rx.State.is_hydrated),
                    width="100%",
                ),
                key=S.reflection_form_key,
                on_submit=S.save_reflection,
                aria_label="Your reflection",
                width="100%",
            ),
            rx.cond(
                S.my_reflection != "", rx.text("Your reflection: ", S.my_reflection, white_space="pre-wrap")
            ),
        ),
        rx.cond(
            S.partner_reflection != "",
            rx.box(
                rx.text(S.partner_name, "'s reflection (", S.partner_reflection_date, "):", weight="medium"),
                rx.text(S.partner_reflection, white_space="pre-wrap"),
            ),
            _muted(S.partner_name, " has not written a reflection yet."),
        ),
        rx.cond(
            S.informal_since != "",
            rx.callout(
                rx.text("Continuing informally since ", S.informal_since, "."),
                icon="info",
                high_contrast=True,
            ),
        ),
        rx.cond(
            S.can_end,
            rx.vstack(
                rx.heading("What next?", as_="h3", size="4"),
                rx.flex(
                    confirm_end,
                    rx.cond(
                        S.can_continue_informally,
                        rx.button(
                            "Continue informally",
                            variant="soft",
                            high_contrast=True,
                            on_click=S.continue_informally,
                        ),
                    ),
                    rx.cond(
                        S.can_start_new_journey,
                        rx.button(
                            "Set new goals and start a new journey",
                            variant="soft",
                            high_contrast=True,
                            on_click=S.start_new_journey,
                        ),
                    ),
                    gap="3",
                    wrap="wrap",
                ),
                _muted(
                    "Continue informally closes the goals and keeps you in contact. A new journey keeps "
                    "this journey's goals on record, read-only, and starts afresh."
                ),
                spacing="3",
            ),
        ),
        _guides_for_stage(),
        spacing="4",
        width="100%",
        align="start",
    )


SECTION_VIEWS = {
    "details": _details,
    "messages": _messages,
    "tools": _tools,
    "goals": _goals,
    "meetings": _meetings,
    "guides": _guides,
    "ending": _ending,
}


def _dashboard() -> rx.Component:
    return rx.vstack(
        rx.heading("Mentoring with ", S.partner_name, as_="h1", size="7"),
        rx.hstack(
            rx.badge(S.status_label, size="2", high_contrast=True),
            _muted("You are the ", S.my_role, ". Journey ", S.journey_number.to_string(), "."),
            align="center",
            wrap="wrap",
        ),
        _read_only_note(),
        _progress_at_a_glance(),
        rx.tabs.root(
            rx.tabs.list(
                *(rx.tabs.trigger(label, value=key) for key, label in TABS),
                style={"flex_wrap": "wrap"},
                aria_label="Dashboard sections",
            ),
            *(rx.tabs.content(SECTION_VIEWS[key](), value=key, padding_top="1rem") for key, _ in TABS),
            value=S.section,
            on_change=S.open_section,
            # A tab opens on click or Enter, not on focus too: one server event per opened section
            # (on focus, a click asked for the same section twice while the first was in flight).
            activation_mode="manual",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            S.loaded,
            rx.cond(
                S.found,
                _dashboard(),
                rx.vstack(
                    rx.heading("Relationship not found", as_="h1", size="6"),
                    rx.text("That relationship could not be found, or it is not one of yours."),
                    rx.link("Back to your home page", href=routes.HOME, underline="always"),
                ),
            ),
            rx.text("Loading the relationship…"),
        )
    )
