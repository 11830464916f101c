"""Meetings: log the ones held (they count towards the CPD record), schedule the next one and
download it as a calendar invite (.ics, built with the icalendar library).

A meeting row is either planned (a UTC start time, for the invite), held (the day it took place,
with notes and next steps) or cancelled. Logging a planned meeting turns it into a held one, so a
meeting is never counted twice. Meetings may be logged while the pair continue informally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from icalendar import Calendar, Event, vCalAddress
from sqlmodel import Session, select

from mentoring_app import timefmt
from mentoring_app.models import Journey, Meeting, Relationship, User
from mentoring_app.models.journeys import CANCELLED, HELD, PLANNED
from mentoring_app.models.relationships import ACCEPTED
from mentoring_app.models.types import utcnow
from mentoring_app.services.conversations import notifications
from mentoring_app.services.errors import NotFound, ServiceError, ValidationFailed
from mentoring_app.services.mentoring.relationship_access import (
    MEETINGS_PART,
    active,
    bump,
    dashboard_path,
    latest_journey,
    member_relationship,
    partner_id,
    writable_relationship,
)
from mentoring_app.services.outbox import mail
from mentoring_app.services.outbox.mail import SITE_NAME, link
from mentoring_app.settings import get_settings

MIN_MINUTES, MAX_MINUTES = 5, 8 * 60
MAX_PLACE, MAX_AGENDA, MAX_NOTES, MAX_NEXT_STEPS = 300, 2000, 5000, 2000
MEETING_NOT_FOUND = "That meeting could not be found."
PRODID = f"-//{SITE_NAME}//Relationship dashboard//EN"


@dataclass(frozen=True)
class MeetingView:
    id: int
    status: str  # "planned", "held" or "cancelled"
    starts_at: datetime | None  # planned meetings (UTC; show it in the member's time zone)
    held_on: date | None  # held meetings
    duration_minutes: int
    place: str
    place_is_link: bool  # an http(s) address the page may show as a link
    agenda: str
    notes: str
    next_steps: str
    logged_by_me: bool
    journey_number: int | None
    can_edit: bool


@dataclass(frozen=True)
class MeetingsView:
    planned: tuple[MeetingView, ...]  # soonest first
    held: tuple[MeetingView, ...]  # latest first
    held_count: int
    minutes: int

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def _is_web_link(text: str) -> bool:
    parts = urlsplit(text.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text.strip()


def _view(meeting: Meeting, member: User, rel: Relationship, numbers: dict[int, int]) -> MeetingView:
    return MeetingView(
        id=meeting.id,  # type: ignore[arg-type]
        status=meeting.status,
        starts_at=meeting.starts_at,
        held_on=meeting.held_on,
        duration_minutes=meeting.duration_minutes,
        place=meeting.place,
        place_is_link=_is_web_link(meeting.place),
        agenda=meeting.agenda,
        notes=meeting.notes,
        next_steps=meeting.next_steps,
        logged_by_me=meeting.created_by == member.id,
        journey_number=numbers.get(meeting.journey_id or 0),
        can_edit=rel.status == ACCEPTED and meeting.status != CANCELLED,
    )


def _numbers(session: Session, rel: Relationship) -> dict[int, int]:
    return dict(
        session.exec(select(Journey.id, Journey.number).where(Journey.relationship_id == rel.id)).all()
    )  # type: ignore[arg-type]


def meetings(session: Session, *, actor: User | None, relationship_id: int) -> MeetingsView:
    """Planned and held meetings of the pair (cancelled ones are left out)."""
    member, rel = member_relationship(session, actor, relationship_id)
    rows = session.exec(
        select(Meeting).where(Meeting.relationship_id == rel.id, Meeting.status != CANCELLED)
    ).all()
    numbers = _numbers(session, rel)
    planned = sorted((m for m in rows if m.status == PLANNED), key=lambda m: (m.starts_at, m.id))
    held = sorted((m for m in rows if m.status == HELD), key=lambda m: (m.held_on, m.id), reverse=True)
    return MeetingsView(
        planned=tuple(_view(m, member, rel, numbers) for m in planned),
        held=tuple(_view(m, member, rel, numbers) for m in held),
        held_count=len(held),
        minutes=sum(m.duration_minutes for m in held),
    )


def _find(session: Session, rel: Relationship, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.relationship_id != rel.id or meeting.status == CANCELLED:
        raise NotFound(MEETING_NOT_FOUND)
    return meeting


def _check_minutes(errors: dict[str, str], minutes: int) -> None:
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["duration_minutes"] = f"Choose between {MIN_MINUTES} minutes and {MAX_MINUTES // 60} hours."


def _check_length(errors: dict[str, str], key: str, value: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        errors[key] = f"Use at most {limit:,} characters (this has {len(value):,})."
    return value


def _journey_id(session: Session, rel: Relationship) -> int | None:
    """Meetings belong to the open journey, if any (none while continuing informally)."""
    journey = latest_journey(session, rel.id)  # type: ignore[arg-type]
    return journey.id if journey is not None and journey.closed_at is None else None


def _when(starts_at: datetime, time_zone: str) -> str:
    """ "Tuesday 12 Jan 2027, 18:30 (Europe/Paris; 17:30 UTC)", or "... (UTC)"."""
    zone = timefmt.zone_name(time_zone)
    local = timefmt.show(starts_at, zone, "%A %d %b %Y, %H:%M")
    if zone == "UTC":
        return f"{local} (UTC)"
    return f"{local} ({zone} time; {timefmt.show(starts_at, 'UTC', '%H:%M')} UTC)"


def _email_invite(
    session: Session,
    rel: Relationship,
    meeting: Meeting,
    member: User,
    partner: User,
    *,
    verb: str,
    time_zone: str,
    now: datetime,
) -> None:
    """Email the partner the meeting with its calendar invite attached (outbox, this transaction)."""
    assert meeting.starts_at is not None  # a planned meeting always has its start
    file_name, ics = _calendar(session, rel, meeting, now)
    paragraphs = [
        f"{member.name} {verb} your next mentoring meeting: {_when(meeting.starts_at, time_zone)}, "
        f"for {meeting.duration_minutes} minutes.",
    ]
    if meeting.place:
        paragraphs.append(f"Where: {meeting.place}")
    if meeting.agenda:
        paragraphs.append(f"Agenda: {meeting.agenda}")
    paragraphs.append(
        "The calendar invite is attached: open it to add the meeting to your calendar"
        + (" (it replaces the earlier time)." if verb == "moved" else ".")
    )
    mail.queue(
        session,
        to=partner.email,
        recipient_id=partner.id,
        email=mail.compose(
            kind="meeting_scheduled",
            subject=f"{member.name} {verb} your next mentoring meeting",
            greeting_name=partner.name,
            paragraphs=paragraphs,
            action=("See your meetings", link(dashboard_path(rel.id) + "?section=meetings")),  # type: ignore[arg-type]
            attachment=mail.Attachment(name=file_name, mime_type="text/calendar", text=ics.decode()),
        ),
    )


def schedule_meeting(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    starts_at: datetime,
    duration_minutes: int = 60,
    place: str = "",
    agenda: str = "",
    meeting_id: int | None = None,
    time_zone: str = "",
    now: datetime | None = None,
) -> MeetingView:
    """Plan the next meeting (or move a planned one: ``meeting_id``); the partner is told in the
    app and by email with the calendar invite attached. ``time_zone`` is the scheduling member's
    (the email states the time in it, and in UTC when that differs)."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    existing = _find(session, rel, meeting_id) if meeting_id is not None else None
    if existing is not None and existing.status != PLANNED:
        raise ServiceError("This meeting has been held already: edit its log instead.")
    errors: dict[str, str] = {}
    if starts_at.tzinfo is None:
        errors["starts_at"] = "Choose a date and time (with a time zone)."
    elif starts_at <= now:
        errors["starts_at"] = "Choose a time in the future."
    _check_minutes(errors, duration_minutes)
    place = _check_length(errors, "place", place, MAX_PLACE)
    agenda = _check_length(errors, "agenda", agenda, MAX_AGENDA)
    if errors:
        raise ValidationFailed(errors)
    bump(session, rel, now=now, part=MEETINGS_PART)
    meeting = existing or Meeting(
        relationship_id=rel.id,  # type: ignore[arg-type]
        journey_id=_journey_id(session, rel),
        status=PLANNED,
        created_by=member.id,
        created_at=now,
    )
    if existing is not None and existing.starts_at != starts_at:
        # A calendar replaces the event it holds only for a higher SEQUENCE; remind again.
        meeting.sequence, meeting.reminded_at = meeting.sequence + 1, None
    meeting.starts_at, meeting.duration_minutes = starts_at, duration_minutes
    meeting.place, meeting.agenda, meeting.updated_at = place, agenda, now
    session.add(meeting)
    session.flush()
    verb = "moved" if existing else "scheduled"
    notifications.notify(
        session,
        user_id=partner_id(rel, member.id),  # type: ignore[arg-type]
        kind="meeting_scheduled",
        template=f"{{actor}} {verb} your next mentoring meeting",
        actor_id=member.id,
        link=dashboard_path(rel.id) + "?section=meetings",  # type: ignore[arg-type]
    )
    partner = session.get(User, partner_id(rel, member.id))  # type: ignore[arg-type]
    if partner is not None and partner.is_active:
        _email_invite(session, rel, meeting, member, partner, verb=verb, time_zone=time_zone, now=now)
    session.commit()
    return _view(meeting, member, rel, _numbers(session, rel))


def cancel_meeting(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    meeting_id: int,
    time_zone: str = "",
    now: datetime | None = None,
) -> None:
    """Call off a planned meeting (held meetings stay on record); both members are emailed the
    cancellation (``METHOD:CANCEL``, same UID, higher SEQUENCE) for their calendars."""
    member, rel = writable_relationship(session, actor, relationship_id)
    meeting = _find(session, rel, meeting_id)
    if meeting.status != PLANNED:
        raise ServiceError("Only a planned meeting can be cancelled.")
    now = now or utcnow()
    bump(session, rel, now=now, part=MEETINGS_PART)
    meeting.status, meeting.updated_at, meeting.sequence = CANCELLED, now, meeting.sequence + 1
    session.add(meeting)
    notifications.notify(
        session,
        user_id=partner_id(rel, member.id),  # type: ignore[arg-type]
        kind="meeting_cancelled",
        template="{actor} cancelled a planned mentoring meeting",
        actor_id=member.id,
        link=dashboard_path(rel.id),  # type: ignore[arg-type]
    )
    if meeting.starts_at is not None:
        for recipient in (session.get(User, rel.mentee_id), session.get(User, rel.mentor_id)):
            if recipient is None or not recipient.is_active:
                continue
            email_calendar(
                session, rel, meeting, recipient, now=now, method="CANCEL", kind="meeting_cancelled",
                subject=f"{member.name} cancelled your mentoring meeting"
                if recipient.id != member.id else "You cancelled your mentoring meeting",
                paragraphs=[
                    f"The mentoring meeting on {_when(meeting.starts_at, time_zone)} is cancelled.",
                    "The attached update removes it from your calendar.",
                ],
            )  # fmt: skip
    session.commit()


def email_calendar(
    session: Session,
    rel: Relationship,
    meeting: Meeting,
    recipient: User,
    *,
    now: datetime,
    method: str,
    kind: str,
    subject: str,
    paragraphs: list[str],
) -> None:
    """Queue ``recipient`` an email with the meeting's invite (``REQUEST``) or its cancellation
    (``CANCEL``) for them, in the caller's transaction."""
    file_name, ics = _calendar(session, rel, meeting, now, method=method, attendee=recipient)
    mail.queue(
        session,
        to=recipient.email,
        recipient_id=recipient.id,
        email=mail.compose(
            kind=kind,
            subject=subject,
            greeting_name=recipient.name,
            paragraphs=paragraphs,
            action=("See your meetings", link(dashboard_path(rel.id) + "?section=meetings")),  # type: ignore[arg-type]
            attachment=mail.Attachment(
                name=file_name, mime_type=f"text/calendar; method={method}", text=ics.decode()
            ),
        ),
    )


def log_meeting(
    session: Session,
    *,
    actor: User | None,
    relationship_id: int,
    held_on: date,
    duration_minutes: int,
    notes: str = "",
    next_steps: str = "",
    meeting_id: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> MeetingView:
    """Record a meeting that took place. ``meeting_id``: a planned meeting that took place, or a
    held meeting whose log is corrected; without it, a new meeting is logged."""
    member, rel = writable_relationship(session, actor, relationship_id)
    now = now or utcnow()
    today = today or now.date()
    existing = _find(session, rel, meeting_id) if meeting_id is not None else None
    errors: dict[str, str] = {}
    if held_on > today:
        errors["held_on"] = "Log a meeting once it has taken place: choose today or an earlier day."
    elif held_on < today - timedelta(days=3 * 365):
        errors["held_on"] = "Choose a day within the last three years."
    _check_minutes(errors, duration_minutes)
    notes = _check_length(errors, "notes", notes, MAX_NOTES)
    next_steps = _check_length(errors, "next_steps", next_steps, MAX_NEXT_STEPS)
    if errors:
        raise ValidationFailed(errors)
    bump(session, rel, now=now, part=MEETINGS_PART)
    meeting = existing or Meeting(
        relationship_id=rel.id,  # type: ignore[arg-type]
        journey_id=_journey_id(session, rel),
        created_by=member.id,
        created_at=now,
    )
    meeting.status, meeting.held_on, meeting.duration_minutes = HELD, held_on, duration_minutes
    meeting.notes, meeting.next_steps, meeting.updated_at = notes, next_steps, now
    session.add(meeting)
    session.commit()
    return _view(meeting, member, rel, _numbers(session, rel))


def invite_ics(
    session: Session, *, actor: User | None, meeting_id: int, now: datetime | None = None
) -> tuple[str, bytes]:
    """A planned meeting as a calendar file: (file name, bytes of text/calendar).

    Only the pair may have it. It names the two members and links to the dashboard; it carries no
    email addresses. The UID is stable, so importing a moved meeting again updates the event.
    """
    meeting = session.get(Meeting, meeting_id) if active(actor) else None
    if meeting is None:
        raise NotFound(MEETING_NOT_FOUND)
    try:
        _, rel = member_relationship(session, actor, meeting.relationship_id)
    except NotFound as error:
        raise NotFound(MEETING_NOT_FOUND) from error
    if meeting.status != PLANNED or meeting.starts_at is None:
        raise ServiceError("Only a planned meeting has a calendar invite.")
    return _calendar(session, rel, meeting, now or utcnow())


def _calendar(
    session: Session,
    rel: Relationship,
    meeting: Meeting,
    now: datetime,
    *,
    method: str = "PUBLISH",
    attendee: User | None = None,
) -> tuple[str, bytes]:
    """The planned meeting as (file name, text/calendar bytes). The download is ``PUBLISH`` and
    names no address; an emailed invite is ``REQUEST`` (or ``CANCEL``) for its one ``attendee``,
    organised by the site's own address, so a calendar adds, moves or removes the event. The UID
    stays the meeting's; SEQUENCE is 0 when planned and grows at each move and at cancelling."""
    if meeting.starts_at is None:
        raise ServiceError("Only a planned meeting has a calendar invite.")
    mentee, mentor = session.get(User, rel.mentee_id), session.get(User, rel.mentor_id)
    host = urlsplit(get_settings().app_url).hostname or "localhost"
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", now)
    event.add("sequence", meeting.sequence)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", f"Mentoring: {mentee.name if mentee else ''} and {mentor.name if mentor else ''}")
    url = link(dashboard_path(rel.id))  # type: ignore[arg-type]
    description = [meeting.agenda or "Mentoring meeting."]
    if _is_web_link(meeting.place):
        description.append(f"Join the video call: {meeting.place.strip()}")
    last = session.exec(
        select(Meeting.next_steps)
        .where(Meeting.relationship_id == rel.id, Meeting.status == HELD, Meeting.next_steps != "")
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())  # type: ignore[union-attr]
    ).first()
    if last:
        description.append(f"Next steps agreed last time: {last}")
    description.append(f"Relationship dashboard: {url}")
    event.add("description", "\n\n".join(description))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("url", url)
    if attendee is not None:
        organizer = vCalAddress("mailto:" + parseaddr(get_settings().mail_from)[1])
        organizer.params["cn"] = SITE_NAME
        event.add("organizer", organizer)
        guest = vCalAddress("mailto:" + attendee.email)
        guest.params.update({"cn": attendee.name, "role": "REQ-PARTICIPANT", "rsvp": "FALSE"})
        event.add("attendee", guest)
        event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    calendar.add_component(event)
    return f"mentoring-meeting-{meeting.starts_at:%Y-%m-%d}.ics", calendar.to_ical()
