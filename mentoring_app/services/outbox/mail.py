"""Emails: composed here, written to the outbox in the caller's transaction, sent by the relay."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

from sqlmodel import Session, select

from mentoring_app.models import OutboxEmail, User
from mentoring_app.services.outbox import preferences
from mentoring_app.settings import get_settings

SITE_NAME = "Mentoring"


@dataclass(frozen=True)
class Attachment:
    """A small text file sent with an email (a calendar invite)."""

    name: str
    mime_type: str  # "text/calendar"
    text: str


@dataclass(frozen=True)
class Email:
    """A composed email: a subject with plain-text and HTML bodies, and an optional attachment."""

    kind: str
    subject: str
    text: str
    html: str
    attachment: Attachment | None = None


def link(path: str) -> str:
    """An absolute link into the app, built from APP_URL."""
    return get_settings().app_url + path


def compose(
    *,
    kind: str,
    subject: str,
    greeting_name: str,
    paragraphs: list[str],
    action: tuple[str, str] | None = None,
    attachment: Attachment | None = None,
) -> Email:
    """Build matching plain-text and HTML bodies from the same paragraphs (all text escaped)."""
    text_parts = [f"Hello {greeting_name},", *paragraphs]
    html_parts = [f"<p>Hello {escape(greeting_name)},</p>", *(f"<p>{escape(p)}</p>" for p in paragraphs)]
    if action:
        label, url = action
        text_parts.append(f"{label}: {url}")
        html_parts.append(f'<p><a href="{escape(url, quote=True)}">{escape(label)}</a></p>')
    text_parts.append(f"The {SITE_NAME} team")
    html_parts.append(f"<p>The {SITE_NAME} team</p>")
    html = (
        '<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">'
        + "".join(html_parts)
        + "</body></html>"
    )
    return Email(
        kind=kind, subject=subject, text="\n\n".join(text_parts) + "\n", html=html, attachment=attachment
    )


def compose_choices(
    *,
    kind: str,
    subject: str,
    greeting_name: str,
    paragraphs: list[str],
    choices: list[tuple[str, str, str]],
    action: tuple[str, str] | None = None,
) -> Email:
    """As ``compose``, with a row of one-tap buttons (label, what it means, link) before the action:
    in HTML each a button link named by what it means, in text each on its own line with its URL."""
    base = compose(
        kind=kind, subject=subject, greeting_name=greeting_name, paragraphs=paragraphs, action=action
    )
    lines = "\n".join(f"{meaning}: {url}" for _, meaning, url in choices)
    buttons = "".join(
        f'<a href="{escape(url, quote=True)}" aria-label="{escape(meaning, quote=True)}" '
        'style="display:inline-block;min-width:2.5em;margin:0 0.4em 0.4em 0;padding:0.6em 0.9em;'
        "border-radius:6px;background:#1f4fbf;color:#ffffff;font-weight:bold;text-align:center;"
        f'text-decoration:none">{escape(label)}</a>'
        for label, meaning, url in choices
    )
    closing = f"The {SITE_NAME} team"
    anchor = f"<p>Hello {escape(greeting_name)},</p>" + "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    html = base.html.replace(anchor, anchor + f"<p>{buttons}</p>", 1)
    text = base.text.replace(paragraphs[-1] + "\n\n", paragraphs[-1] + "\n\n" + lines + "\n\n", 1)
    assert closing in text
    return Email(kind=kind, subject=subject, text=text, html=html)


def queue(
    session: Session,
    *,
    to: str,
    email: Email,
    recipient_id: int | None = None,
    message_id: int | None = None,
    not_before: datetime | None = None,
) -> OutboxEmail | None:
    """Put an email in the outbox; it is sent only if the caller's transaction commits.

    Unless it is essential to security, it honours the recipient's choices (found by ``recipient_id``
    or else by the address): None when they turned its type off or get it in the weekly digest;
    otherwise it carries a signed unsubscribe link, in the body and for the List-Unsubscribe header.
    ``message_id``: a new-message email, which the relay drops if the message is read before it
    goes; ``not_before``: hold it until then (the member may read the message in the app first)."""
    kind_type = preferences.email_type(email.kind)
    unsubscribe_url = None
    if kind_type != preferences.ESSENTIAL:
        if recipient_id is None:
            recipient_id = session.exec(
                select(User.id).where(User.email_key == to.strip().casefold())
            ).first()
        if recipient_id is not None:
            if not preferences.sends_now(preferences.current(session, recipient_id), kind_type):
                return None
            page_url, unsubscribe_url = preferences.unsubscribe_links(session, recipient_id, kind_type)
            email = _with_unsubscribe(email, page_url, preferences.WORDS[kind_type])
    row = OutboxEmail(
        kind=email.kind,
        to_address=to,
        subject=email.subject,
        body_text=email.text,
        body_html=email.html,
        message_id=message_id,
        unsubscribe_url=unsubscribe_url,
    )
    if not_before is not None:
        row.next_attempt_at = not_before
    if email.attachment is not None:
        row.attachment_name = email.attachment.name
        row.attachment_type = email.attachment.mime_type
        row.attachment_text = email.attachment.text
    session.add(row)
    return row


def _with_unsubscribe(email: Email, url: str, words: str) -> Email:
    """The email with its unsubscribe line at the end (text and HTML)."""
    line = f"You get this email because {words} emails are on in your account."
    label = f"Unsubscribe from {words} emails"
    html = email.html.replace(
        "</body></html>",
        f'<hr><p style="font-size:0.85em;color:#555555">{escape(line)} '
        f'<a href="{escape(url, quote=True)}">{escape(label)}</a></p></body></html>',
    )
    text = email.text + f"\n--\n{line}\n{label}: {url}\n"
    return Email(kind=email.kind, subject=email.subject, text=text, html=html, attachment=email.attachment)


def welcome_email(name: str, roles: str) -> Email:
    return compose(
        kind="welcome",
        subject=f"Welcome to {SITE_NAME}",
        greeting_name=name,
        paragraphs=[
            f"Your account is ready. You joined as: {roles}.",
            "Your next step is to complete your profile, so the right people can find you.",
        ],
        action=("Go to your home page", link("/home")),
    )


def password_reset_email(name: str, reset_url: str, minutes: int) -> Email:
    return compose(
        kind="password_reset",
        subject=f"Reset your {SITE_NAME} password",
        greeting_name=name,
        paragraphs=[
            "Someone (we hope you) asked to reset the password of your account.",
            f"The link below works once and expires in {minutes} minutes. "
            "Using it logs you out everywhere else.",
            "If you did not ask for this, ignore this email: your password stays as it is.",
        ],
        action=("Choose a new password", reset_url),
    )


def password_changed_email(name: str) -> Email:
    return compose(
        kind="password_changed",
        subject=f"Your {SITE_NAME} password was changed",
        greeting_name=name,
        paragraphs=[
            "The password of your account was just changed, and every other session was logged out.",
            "If this was not you, use Forgot password on the log-in page at once.",
        ],
        action=("Log in", link("/login")),
    )


def invitation_email(name: str, link_url: str, days: int) -> Email:
    return compose(
        kind="invitation",
        subject=f"You are invited to {SITE_NAME}",
        greeting_name=name,
        paragraphs=[
            "Your professional body has added you to its mentoring platform, where mentees find mentors "
            "who share their languages, region and specialisms.",
            f"Choose a password to activate your account. The link works once and expires in {days} days.",
        ],
        action=("Choose your password", link_url),
    )


def confirm_email(name: str, link_url: str, hours: int) -> Email:
    return compose(
        kind="confirm_email",
        subject=f"Confirm your email address for {SITE_NAME}",
        greeting_name=name,
        paragraphs=[
            f"Someone (we hope you) registered with this email address as {name}.",
            f"Open the link below to confirm it and start using your account. It works once and "
            f"expires in {hours} hours.",
            "If you did not register, ignore this email: no account is opened without this link.",
        ],
        action=("Confirm my email address", link_url),
    )


def registration_attempt_email(name: str) -> Email:
    return compose(
        kind="registration_attempt",
        subject=f"Someone tried to register with your {SITE_NAME} address",
        greeting_name=name,
        paragraphs=[
            "Someone just tried to register a new account with this email address. You already have "
            "an account, so nothing was changed.",
            "If it was you: log in with your password, or use Forgot password on the log-in page "
            f"({link('/forgot-password')}) to choose a new one.",
            "If it was not you, you can ignore this email.",
        ],
        action=("Log in", link("/login")),
    )
