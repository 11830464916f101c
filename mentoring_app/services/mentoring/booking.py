"""Booking a meeting from the mentor's free slots, moving it to another free slot, and the email
reminder a day before.

Both members are emailed a calendar invite (``METHOD:REQUEST``, the meeting's stable UID,
``SEQUENCE`` 0); a move sends the same UID with a higher SEQUENCE, and a cancellation
(meetings.cancel_meeting) sends ``METHOD:CANCEL``. No slot is booked twice: the database keeps one
planned booking per mentor and start time (``uq_meetings_booked_slot``), so of two members pressing
the same slot at the same moment one gets the meeting and the other ``TAKEN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from mentoring_app.models import Meeting, MentorAvailability, Relationship, User
from mentoring_app.models.journeys import PLANNED
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import notifications
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.mentoring import availability
from mentoring_app.services.mentoring.meetings import (
    MeetingView,
    _find,
    _journey_id,
    _numbers,
    _view,
    _when,
    email_calendar,
)
from mentoring_app.services.mentoring.relationship_access import (
    MEETINGS_PART,
    bump,
    dashboard_path,
    partner_id,
    writable_relationship,
)
from mentoring_app.services.outbox import mail
from mentoring_app.services.outbox.mail import link

TAKEN = "That time was just taken — please choose another."
NO_HOURS = "{name} has not set times for meetings yet: send them a message to agree a time."
REMIND_BEFORE = timedelta(hours=24)


@dataclass(frozen=True)
class Picker:
    """What the booking picker offers: the mentor's free slots (UTC), soonest first."""

    mentor_name: str
    has_hours: bool  # False: the mentor has not set weekly hours
    slots: tuple[availability.Slot, ...]
    moving: bool  # choosing a new time for a planned meeting


def picker(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    meeting_id: int | None = None,
    now: datetime | None = None,
) -> Picker:
    """The free slots of the pair's mentor (for either member), worked out now. ``meeting_id``: a
    planned meeting being moved (its own time does not count as busy)."""
    _, rel = writable_relationship(session, actor, relationship_id)
    if meeting_id is not None:
        _planned(session, rel, meeting_id)
    row, slots = availability.mentor_slots(session, rel.mentor_id, now=now or utcnow(), leave_out=meeting_id)
    mentor = session.get(User, rel.mentor_id)
    return Picker(
        mentor_name=mentor.name if mentor else "",
        has_hours=bool(row and row.weekly),
        slots=tuple(slots),
        moving=meeting_id is not None,
    )


def _planned(session: Session, rel: Relationship, meeting_id: int) -> Meeting:
    meeting = _find(session, rel, meeting_id)
    if meeting.status != PLANNED:
        raise ServiceError("This meeting has been held already: edit its log instead.")
    return meeting


def _free_slot(
    session: Session, rel: Relationship, starts_at: datetime, now: datetime, leave_out: int | None = None
) -> tuple[MentorAvailability, availability.Slot]:
    row, slots = availability.mentor_slots(session, rel.mentor_id, now=now, leave_out=leave_out)
    if row is None or not row.weekly:
        mentor = session.get(User, rel.mentor_id)
        raise ServiceError(NO_HOURS.format(name=mentor.name if mentor else "Your mentor"))
    slot = next((s for s in slots if s.starts_at == starts_at), None)
    if slot is None:
        raise ServiceError(TAKEN)
    return row, slot


def _claim(session: Session) -> None:
    """Write the booking; the unique slot index turns a second booking of the slot into TAKEN."""
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ServiceError(TAKEN) from None


def _email_both(
    session: Session,
    rel: Relationship,
    meeting: Meeting,
    member: User,
    hours: MentorAvailability,
    *,
    verb: str,
    time_zone: str,
    now: datetime,
) -> None:
    """The invite to each member: the mentor reads the time in their availability's zone, the
    mentee in the zone of whoever booked (with UTC beside it); the calendar file is exact."""
    assert meeting.starts_at is not None
    for recipient in (session.get(User, rel.mentee_id), session.get(User, rel.mentor_id)):
        if recipient is None or not recipient.is_active:
            continue
        zone = hours.time_zone if recipient.id == rel.mentor_id else time_zone
        who = "You" if recipient.id == member.id else member.name
        paragraphs = [
            f"{who} {verb} a mentoring meeting: {_when(meeting.starts_at, zone)}, "
            f"for {meeting.duration_minutes} minutes.",
        ]
        if meeting.place:
            paragraphs.append(f"Where: {meeting.place}")
        paragraphs.append(
            "The calendar invite is attached: open it to add the meeting to your calendar"
            + (" (it replaces the earlier time)." if verb == "moved" else ".")
        )
        email_calendar(
            session, rel, meeting, recipient, now=now, method="REQUEST", kind="meeting_scheduled",
            subject=f"{who} {verb} a mentoring meeting", paragraphs=paragraphs,
        )  # fmt: skip


def _tell_partner(session: Session, rel: Relationship, member: User, verb: str) -> None:
    notifications.notify(
        session,
        user_id=partner_id(rel, member.id),  # type: ignore[arg-type]
        kind="meeting_scheduled",
        template=f"{{actor}} {verb} a mentoring meeting",
        actor_id=member.id,
        link=dashboard_path(rel.id) + "?section=meetings",  # type: ignore[arg-type]
    )


def book_meeting(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    starts_at: datetime,
    time_zone: str = "",
    now: datetime | None = None,
) -> MeetingView:
    """Book one of the mentor's free slots for the pair (either member may), with the mentor's
    usual length and video-call link; both are emailed the invite. ``TAKEN`` if the slot is no
    longer free (someone booked it first, or it has passed)."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    hours, slot = _free_slot(session, rel, starts_at, now)
    bump(session, rel, now=now, part=MEETINGS_PART)
    meeting = Meeting(
        relationship_id=rel.id,  # type: ignore[arg-type]
        journey_id=_journey_id(session, rel),
        status=PLANNED,
        starts_at=slot.starts_at,
        duration_minutes=slot.minutes,
        place=hours.video_link,
        created_by=member.id,
        created_at=now,
        updated_at=now,
        booked_mentor_id=rel.mentor_id,
        sequence=0,
    )
    session.add(meeting)
    _claim(session)
    _tell_partner(session, rel, member, "booked")
    _email_both(session, rel, meeting, member, hours, verb="booked", time_zone=time_zone, now=now)
    session.commit()
    return _view(meeting, member, rel, _numbers(session, rel))


def move_meeting(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    meeting_id: int,
    starts_at: datetime,
    time_zone: str = "",
    now: datetime | None = None,
) -> MeetingView:
    """Move a planned meeting to another free slot of the mentor: the same UID with a higher
    SEQUENCE goes to both, and the day-before reminder is due again."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    meeting = _planned(session, rel, meeting_id)
    hours, slot = _free_slot(session, rel, starts_at, now, leave_out=meeting.id)
    bump(session, rel, now=now, part=MEETINGS_PART)
    meeting.starts_at, meeting.duration_minutes = slot.starts_at, slot.minutes
    meeting.booked_mentor_id, meeting.sequence = rel.mentor_id, meeting.sequence + 1
    meeting.reminded_at, meeting.updated_at = None, now
    meeting.place = meeting.place or hours.video_link
    session.add(meeting)
    _claim(session)
    _tell_partner(session, rel, member, "moved")
    _email_both(session, rel, meeting, member, hours, verb="moved", time_zone=time_zone, now=now)
    session.commit()
    return _view(meeting, member, rel, _numbers(session, rel))


def run_due_reminders(session: Session, *, now: datetime | None = None) -> int:
    """Email both members of each planned meeting starting within 24 hours, once: each meeting is
    claimed by a conditional update of ``reminded_at``, so several instances running this at the
    same moment send one reminder. Returns how many meetings were reminded."""
    now = now or utcnow()
    due = session.exec(
        select(Meeting.id).where(
            Meeting.status == PLANNED,
            Meeting.reminded_at.is_(None),  # type: ignore[union-attr]
            Meeting.starts_at > now,  # type: ignore[operator]
            Meeting.starts_at <= now + REMIND_BEFORE,  # type: ignore[operator]
        )
    ).all()
    reminded = 0
    for meeting_id in due:
        claimed = session.exec(
            update(Meeting)  # type: ignore[call-overload]
            .where(Meeting.id == meeting_id, Meeting.status == PLANNED, Meeting.reminded_at.is_(None))  # type: ignore[union-attr]
            .values(reminded_at=now)
        )
        if claimed.rowcount != 1:
            session.rollback()
            continue
        meeting = session.get(Meeting, meeting_id)
        rel = session.get(Relationship, meeting.relationship_id) if meeting else None
        if (
            meeting is not None
            and meeting.starts_at is not None
            and rel is not None
            and rel.status == ACCEPTED
        ):
            _remind(session, rel, meeting)
            reminded += 1
        session.commit()
    return reminded


def _remind(session: Session, rel: Relationship, meeting: Meeting) -> None:
    assert meeting.starts_at is not None
    hours = session.get(MentorAvailability, rel.mentor_id)
    zone = hours.time_zone if hours else ""
    mentee, mentor = session.get(User, rel.mentee_id), session.get(User, rel.mentor_id)
    for recipient, partner in ((mentee, mentor), (mentor, mentee)):
        if recipient is None or partner is None or not recipient.is_active:
            continue
        paragraphs = [
            f"A reminder: you meet {partner.name} {_when(meeting.starts_at, zone)}, "
            f"for {meeting.duration_minutes} minutes.",
        ]
        if meeting.place:
            paragraphs.append(f"Where: {meeting.place}")
        if meeting.agenda:
            paragraphs.append(f"Agenda: {meeting.agenda}")
        mail.queue(
            session,
            to=recipient.email,
            recipient_id=recipient.id,
            email=mail.compose(
                kind="meeting_reminder",
                subject=f"Reminder: your mentoring meeting with {partner.name}",
                greeting_name=recipient.name,
                paragraphs=paragraphs,
                action=("See your meetings", link(dashboard_path(rel.id) + "?section=meetings")),  # type: ignore[arg-type]
            ),
        )
