"""Members as others read about them: names are looked up when a text is shown, never copied in.

Stored texts about a member (notifications, the audit log) keep the member's id and a template;
the name is filled in when the text is read. A deleted account keeps its row under the name
"Former member", so everything about someone who left reads "Former member", with nothing to scrub.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlmodel import Session, select

from mentoring_app.models import User

FORMER_MEMBER = "Former member"
DELETED_DOMAIN = "@deleted.invalid"  # the address a deleted account keeps (services/accounts/privacy.py)
ACTOR = "actor"  # the placeholder a template names its member by: "{actor} accepted your request"


def names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Current names of these members, in one query (members not found are left out)."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.name).where(User.id.in_(wanted))).all()  # type: ignore[union-attr]
    return {int(i): n for i, n in rows}


def is_deleted(user: User) -> bool:
    return user.email_key.endswith(DELETED_DOMAIN)


def fill(template: str, *, actor: str = FORMER_MEMBER, params: Mapping[str, object] | None = None) -> str:
    """``template`` with ``{actor}`` and its ``params`` filled in (what was typed is never parsed)."""
    try:
        return template.format_map({**(params or {}), ACTOR: actor})
    except (KeyError, IndexError, ValueError, AttributeError):  # a template we did not write
        return template


def escape(text: str) -> str:
    """Literal text made safe to store as a template."""
    return text.replace("{", "{{").replace("}", "}}")
