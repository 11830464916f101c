"""A member's public profile: what any logged-in member may see (never contact details)."""

from __future__ import annotations

import reflex as rx

from mentoring_app import routes, style
from mentoring_app.components.avatar import member_face
from mentoring_app.components.forms import field
from mentoring_app.components.layout import page_shell
from mentoring_app.components.report import report_dialog
from mentoring_app.services.mentoring.relationships import MAX_TEXT, REQUEST_HINT, REQUEST_TEMPLATE
from mentoring_app.state.profile import CriterionGroup, PublicProfileState
from mentoring_app.state.requests import SendRequestState
from mentoring_app.state.session import SessionState


def _group(group: rx.Var[CriterionGroup]) -> rx.Component:
    return rx.el.div(
        rx.el.dt(group["label"].to(str), style={"font_weight": "600"}),
        rx.el.dd(
            rx.flex(
                rx.foreach(
                    group["values"].to(list[str]), lambda v: rx.badge(v, size="2", high_contrast=True)
                ),
                wrap="wrap",
                gap="0.35rem",
            ),
            style={"margin": "0.25rem 0 0.75rem 0"},
        ),
    )


def _criteria(title: str, groups: rx.Var[list[CriterionGroup]]) -> rx.Component:
    return rx.card(
        rx.heading(title, as_="h2", size="5", margin_bottom="0.75rem"),
        rx.cond(
            groups.length() > 0,
            rx.el.dl(rx.foreach(groups, _group), style={"margin": "0"}),
            rx.text("Nothing added yet.", color=style.MUTED_COLOR),
        ),
        width="100%",
    )


def _send_request() -> rx.Component:
    form = rx.form(
        rx.vstack(
            field(
                "Your request",
                "request_text",
                errors=SendRequestState.errors,
                multiline=True,
                default_value=REQUEST_TEMPLATE,
                hint="Edit the template to say what support you need. The mentor reads this first. "
                + REQUEST_HINT,
                max_length=MAX_TEXT,
            ),
            rx.cond(
                SendRequestState.template_warning,
                rx.fragment(
                    rx.callout(SendRequestState.template_warning, icon="info", role="alert"),
                    rx.el.input(type="hidden", name="confirm_template", value="yes"),
                ),
            ),
            rx.hstack(
                rx.button(
                    rx.cond(SendRequestState.template_warning, "Send it as it is", "Send mentoring request"),
                    type="submit",
                    disabled=SendRequestState.busy | ~rx.State.is_hydrated,
                ),
                rx.button("Not now", type="button", variant="soft", on_click=SendRequestState.close),
                wrap="wrap",
            ),
            width="100%",
        ),
        on_submit=SendRequestState.submit,
        reset_on_submit=False,
        aria_label="Send mentoring request",
    )
    return rx.card(
        rx.cond(
            SendRequestState.open,
            form,
            rx.hstack(
                rx.text("Would you like this mentor's support?"),
                rx.button("Send mentoring request", on_click=SendRequestState.start),
                rx.button(
                    rx.link(
                        "Ask a question",
                        href=routes.MESSAGES + "/" + PublicProfileState.profile_id.to_string(),
                    ),
                    as_child=True,
                    variant="soft",
                ),
                align="center",
                wrap="wrap",
            ),
        ),
        width="100%",
    )


def _save_toggle() -> rx.Component:
    """Save mentor, or (once saved) Saved with Remove from shortlist."""
    s = PublicProfileState
    return rx.hstack(
        rx.cond(
            s.is_saved,
            rx.fragment(
                rx.badge("Saved", size="2", color_scheme="green", high_contrast=True),
                rx.text(
                    "on your ", rx.link("Shortlist", href=routes.FIND_MENTOR, underline="always"), size="2"
                ),
                rx.button(
                    "Remove from shortlist",
                    type="button",
                    variant="soft",
                    disabled=~rx.State.is_hydrated,
                    on_click=s.remove_saved(s.profile_id),
                ),
            ),
            rx.button(
                "Save mentor",
                type="button",
                variant="soft",
                disabled=~rx.State.is_hydrated,
                on_click=s.save_mentor(s.profile_id),
            ),
        ),
        align="center",
        wrap="wrap",
        spacing="3",
    )


def _profile() -> rx.Component:
    s = PublicProfileState
    return rx.vstack(
        rx.hstack(
            member_face(name=s.name, photo=s.photo, initials=s.initials, colour=s.face_colour, size="112px"),
            rx.vstack(
                rx.heading(s.name, as_="h1", size="7"),
                rx.cond(s.headline, rx.text(s.headline, size="4")),
                rx.hstack(
                    rx.cond(s.is_mentor_profile, rx.badge("Mentor", size="2", high_contrast=True)),
                    rx.cond(
                        s.is_mentee_profile,
                        rx.badge("Mentee", size="2", color_scheme="blue", high_contrast=True),
                    ),
                    rx.cond(s.is_mentor_profile, rx.text(s.availability, size="2", weight="medium")),
                    wrap="wrap",
                    align="center",
                ),
                rx.text("Member since ", s.member_since, size="2", color=style.MUTED_COLOR),
                rx.cond(
                    s.is_mentor_profile,
                    rx.text(s.last_active, " · ", s.responsiveness, size="2", color=style.MUTED_COLOR),
                ),
                spacing="2",
            ),
            spacing="5",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            s.is_own,
            rx.callout(
                rx.text(
                    "This is how other members see your profile. ",
                    rx.link("Edit my profile", href=routes.MY_PROFILE, underline="always"),
                ),
                icon="info",
            ),
        ),
        rx.cond(s.can_save_mentor, _save_toggle()),
        rx.cond(
            s.is_mentor_profile & SessionState.is_mentee & ~s.is_own,
            _send_request(),
        ),
        rx.cond(~s.is_own, report_dialog(s.profile_id)),
        rx.cond(
            s.staff_contact.length() > 0,
            rx.card(
                rx.heading("Contact details (visible to admins)", as_="h2", size="5", margin_bottom="0.5rem"),
                rx.foreach(s.staff_contact, lambda line: rx.text(line)),
                width="100%",
            ),
        ),
        rx.cond(
            s.bio,
            rx.card(
                rx.heading("About", as_="h2", size="5", margin_bottom="0.5rem"),
                rx.text(s.bio, white_space="pre-wrap"),
                width="100%",
            ),
        ),
        rx.cond(s.is_mentor_profile, _criteria("As a mentor", s.offers)),
        rx.cond(
            s.is_mentee_profile,
            rx.card(
                rx.heading("Looking for help with", as_="h2", size="5", margin_bottom="0.5rem"),
                rx.cond(
                    s.help_wanted,
                    rx.text(s.help_wanted, white_space="pre-wrap"),
                    rx.text("Not described yet.", color=style.MUTED_COLOR),
                ),
                width="100%",
            ),
        ),
        rx.cond(s.is_mentee_profile, _criteria("Looking for a mentor with", s.seeks)),
        spacing="4",
        width="100%",
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            PublicProfileState.checked,
            rx.cond(
                PublicProfileState.found,
                _profile(),
                rx.vstack(
                    rx.heading("Member not found", as_="h1", size="7"),
                    rx.text("This member does not exist, or their account is no longer active."),
                    rx.link("Go to your home page", href=routes.HOME, underline="always"),
                ),
            ),
            rx.text("Loading the profile…"),
        )
    )
