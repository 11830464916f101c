"""My profile: the public part, mentoring settings, matching criteria, and private contact details."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.inline import a as plain_anchor

from mentoring_app import routes, style
from mentoring_app.components.avatar import member_face
from mentoring_app.components.criteria import criteria_fields
from mentoring_app.components.forms import field, submit_button
from mentoring_app.components.layout import page_shell
from mentoring_app.pages.availability_form import availability_form
from mentoring_app.state.profile import LABELS, ErrorItem, MissingView, ProfileState
from mentoring_app.state.session import SessionState
from mentoring_app.storage import MAX_PHOTO_BYTES

UPLOAD_ID = "profile-photo"
# Home's Recommended for you links here when a mentee has saved no criteria yet.
LOOKING_FOR_ID = "looking-for"


def _section(title: str, *children: rx.Component, intro: str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, as_="h2", size="5"),
            rx.cond(intro != "", rx.text(intro, color=style.MUTED_COLOR, size="2")),
            *children,
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
    )


def _missing_item(item: rx.Var[MissingView]) -> rx.Component:
    return rx.el.li(
        item["label"].to(str),
        rx.cond(item["needed"].to(bool), rx.text.em(" (needed to appear in Find mentor)")),
    )


def _error_line(item: rx.Var[ErrorItem]) -> rx.Component:
    return rx.el.li(
        plain_anchor(
            item["label"].to(str),
            href=item["href"].to(str),
            on_click=rx.call_script(item["focus"].to(str)),
            style={"color": style.ERROR_COLOR, "text_decoration": "underline", "font_weight": "500"},
        ),
        ": ",
        item["message"].to(str),
    )


def _error_summary() -> rx.Component:
    """After a refused save: which fields, in page order, each a link to its field (focus moves
    to the first by itself). Each field also shows its own message beside it."""
    return rx.cond(
        ProfileState.error_summary.length() > 0,
        rx.box(
            rx.heading("Your profile was not saved", as_="h2", size="4", color=style.ERROR_COLOR),
            rx.text("Correct these fields, then save again:", size="2"),
            rx.el.ul(rx.foreach(ProfileState.error_summary, _error_line), style={"padding_left": "1.25rem"}),
            role="alert",
            aria_label="Your profile was not saved",
            width="100%",
            style={
                "border": "2px solid var(--red-9)",
                "border_radius": "var(--radius-3)",
                "padding": "0.75rem 1rem",
                "background": "var(--red-2)",
            },
        ),
    )


def _pending_prompt() -> rx.Component:
    """Asked when a mentor turns Available for new mentees off with requests still waiting."""
    return rx.callout(
        rx.vstack(
            rx.text(
                "You are no longer available for new mentees, and ",
                ProfileState.pending_prompt,
                " request(s) are waiting for your answer. What should happen to them?",
            ),
            rx.hstack(
                rx.button("Keep them", variant="soft", on_click=ProfileState.keep_pending),
                rx.button("Decline them all", color_scheme="red", on_click=ProfileState.decline_pending),
                wrap="wrap",
            ),
            spacing="2",
        ),
        icon="info",
        role="alert",
        width="100%",
    )


def _completeness() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading("Profile completeness", as_="h2", size="4"),
                rx.badge(ProfileState.percent.to_string() + "% complete", size="2", high_contrast=True),
                rx.cond(
                    SessionState.is_mentor,
                    rx.cond(
                        ProfileState.matchable,
                        rx.badge(
                            "Complete enough to match", color_scheme="green", size="2", high_contrast=True
                        ),
                        rx.badge(
                            "Not yet shown to mentees", color_scheme="amber", size="2", high_contrast=True
                        ),
                    ),
                ),
                wrap="wrap",
                align="center",
                spacing="3",
            ),
            rx.progress(value=ProfileState.percent, max=100, aria_label="Profile completeness"),
            rx.cond(
                ProfileState.missing.length() > 0,
                rx.el.ul(rx.foreach(ProfileState.missing, _missing_item), style={"padding_left": "1.25rem"}),
                rx.text("Your profile is complete. Thank you!"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _labelled_upload(*children: rx.Component, **props: object) -> rx.Component:
    """Reflex's upload zone, with an accessible name on its hidden file input (it has none)."""
    zone = rx.upload.root(*children, **props)
    for child in zone.children[0].children:
        if type(child).__name__ == "Input":
            child.custom_attrs["aria-label"] = "Photo file"
    return zone


def _photo() -> rx.Component:
    return _section(
        "Photo",
        rx.hstack(
            member_face(
                name=ProfileState.name,
                photo=ProfileState.photo,
                initials=ProfileState.initials,
                colour=ProfileState.face_colour,
                size="96px",
            ),
            rx.vstack(
                _labelled_upload(
                    rx.button("Choose a photo", type="button", variant="soft"),
                    id=UPLOAD_ID,
                    accept={"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"], "image/webp": [".webp"]},
                    max_files=1,
                    max_size=MAX_PHOTO_BYTES,
                    multiple=False,
                    no_drag=True,
                    on_drop_rejected=ProfileState.photo_rejected,
                    on_drop=ProfileState.upload_photo(rx.upload_files(upload_id=UPLOAD_ID)),
                ),
                rx.cond(
                    ProfileState.photo,
                    rx.button(
                        "Remove photo", type="button", variant="ghost", on_click=ProfileState.remove_photo
                    ),
                ),
                rx.cond(
                    ProfileState.photo_error,
                    rx.text(ProfileState.photo_error, size="2", color=style.ERROR_COLOR, role="alert"),
                ),
                spacing="2",
            ),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
        intro="Optional. A JPEG, PNG or WebP picture of at most 5 MB.",
    )


def _mentor_part() -> rx.Component:
    errors = ProfileState.errors
    return _section(
        "As a mentor",
        criteria_fields(ProfileState, ProfileState.mentor_fields),
        field(
            LABELS["capacity"],
            "capacity",
            errors=errors,
            input_type="number",
            default_value=ProfileState.capacity,
            hint="From 0 to 10. At 0 you are not offered to mentees.",
        ),
        rx.el.label(
            rx.el.input(
                type="checkbox", name="available", value="yes", default_checked=ProfileState.available
            ),
            "Available for new mentees",
            style={"display": "inline-flex", "gap": "0.5rem", "align_items": "center", "font_weight": "500"},
        ),
        intro="Mentees find you by these criteria: your region, working languages and specialisms.",
    )


def _mentee_part() -> rx.Component:
    return _section(
        "As a mentee",
        field(
            LABELS["help_wanted"],
            "help_wanted",
            errors=ProfileState.errors,
            default_value=ProfileState.help_wanted,
            multiline=True,
            required=False,
            hint="A few sentences: where you are now and where you want to get to.",
        ),
        rx.heading("What you are looking for in a mentor", as_="h3", size="4", id=LOOKING_FOR_ID),
        rx.text("Find mentor starts from these criteria.", size="2", color=style.MUTED_COLOR),
        criteria_fields(ProfileState, ProfileState.mentee_fields),
    )


def _contact() -> rx.Component:
    errors = ProfileState.errors
    preferred_error = errors["preferred"].to(str)
    return _section(
        "Contact details",
        field(
            LABELS["contact_email"],
            "contact_email",
            errors=errors,
            input_type="email",
            autocomplete="email",
            default_value=ProfileState.contact_email,
        ),
        field(
            LABELS["phone"],
            "phone",
            errors=errors,
            input_type="tel",
            autocomplete="tel",
            default_value=ProfileState.phone,
            required=False,
            hint="Optional, for example +44 161 496 0000.",
        ),
        rx.el.div(
            rx.el.label(LABELS["preferred"], html_for="field-preferred", style={"font_weight": "500"}),
            rx.el.select(
                rx.el.option("Email", value="email"),
                rx.el.option("Phone", value="phone"),
                rx.el.option("Text message", value="text"),
                id="field-preferred",
                name="preferred",
                default_value=ProfileState.preferred,
                style={
                    "width": "100%",
                    "padding": "0.5rem 0.6rem",
                    "border": "1px solid var(--gray-a7)",
                    "border_radius": "var(--radius-2)",
                    "display": "block",
                    "margin_top": "0.35rem",
                },
            ),
            rx.cond(
                preferred_error, rx.text(preferred_error, size="2", color=style.ERROR_COLOR, role="alert")
            ),
        ),
        intro="Private: only you, your accepted mentoring partners and the platform's admins see these.",
    )


def _form() -> rx.Component:
    errors = ProfileState.errors
    return rx.form(
        rx.vstack(
            _section(
                "About you",
                field(
                    LABELS["name"],
                    "name",
                    errors=errors,
                    autocomplete="name",
                    default_value=ProfileState.name,
                ),
                field(
                    LABELS["headline"],
                    "headline",
                    errors=errors,
                    default_value=ProfileState.headline,
                    required=False,
                    hint="One line, at most 120 characters, like “Legal translator, Spanish into English”.",
                ),
                field(
                    LABELS["bio"],
                    "bio",
                    errors=errors,
                    default_value=ProfileState.bio,
                    multiline=True,
                    required=False,
                    hint="At most 2,000 characters.",
                ),
            ),
            rx.cond(SessionState.is_mentor, _mentor_part()),
            rx.cond(SessionState.is_mentee, _mentee_part()),
            _contact(),
            rx.box(submit_button("Save profile", "Saving…", ProfileState.busy), max_width="20rem"),
            spacing="4",
            width="100%",
        ),
        on_submit=ProfileState.save,
        reset_on_submit=False,
        aria_label="My profile",
    )


def page() -> rx.Component:
    return page_shell(
        rx.cond(
            ProfileState.loaded,
            rx.vstack(
                rx.hstack(
                    rx.heading("My profile", as_="h1", size="7"),
                    rx.link(
                        "View your public profile",
                        href=routes.MEMBERS + "/" + ProfileState.user_id.to_string(),
                        underline="always",
                    ),
                    justify="between",
                    align="center",
                    width="100%",
                    wrap="wrap",
                ),
                _error_summary(),
                rx.cond(ProfileState.pending_prompt > 0, _pending_prompt()),
                _completeness(),
                _photo(),
                _form(),
                rx.cond(SessionState.is_mentor, availability_form()),
                spacing="4",
                width="100%",
            ),
            rx.text("Loading your profile…"),
        )
    )
