"""One relationship's dashboard: Details, Messages, Tools, Goals, Meetings, Guides and videos,
Ending, and Progress at a glance, kept live for both members.

Nothing polls: the services publish each change (mentoring_app/live), and the worker holding this
tab runs ``_live_refresh`` on it (state/live_tabs.py). New messages are appended; a change to one
part (a goal agreed, a milestone done, a meeting planned) re-reads that part and what shows it,
and a change of the relationship itself (ended, withdrawn) re-reads everything, so each member sees
the other's work without reloading. A member's own change is shown by its handler, in the same
trip to the database (dashboard_base._attempt). The services decide who may see and change what.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

import reflex as rx
from reflex_base.utils.form import FormData
from sqlmodel import Session

from mentoring_app import faces, live, routes, timefmt
from mentoring_app.components.video import VideoItem
from mentoring_app.models import User
from mentoring_app.services.conversations import messaging
from mentoring_app.services.discovery import profiles
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.library import guides
from mentoring_app.services.mentoring import dashboard, dashboard_snapshot, relationships
from mentoring_app.state.dashboard_checkin import CheckinPart
from mentoring_app.state.dashboard_ending import EndingPart
from mentoring_app.state.dashboard_goals import GoalsPart
from mentoring_app.state.dashboard_meetings import MeetingsPart
from mentoring_app.state.dashboard_survey import SurveyPart
from mentoring_app.state.dashboard_tools import ToolsPart
from mentoring_app.state.db_calls import call
from mentoring_app.state.messages import (
    MessageCard,
    earlier_cards,
    hold_earlier,
    may_have_earlier,
    message_card,
    newer_cards,
    post_message,
)
from mentoring_app.state.payload import id_from_path
from mentoring_app.state.session import SessionState
from mentoring_app.storage import photo_url, upload_url

SECTIONS = ("details", "messages", "tools", "goals", "meetings", "guides", "ending")


class GuideLink(TypedDict):
    title: str
    url: str
    summary: str
    minutes: int


VideoCard = VideoItem


def _dashboard_page(
    session: Session, user: User, *, relationship_id: int, section: str, today: date
) -> tuple[dashboard_snapshot.Snapshot, list[messaging.MessageView] | None] | None:
    """Every part of the dashboard and, when it opens on Messages, the pair's latest messages (read
    now, as the member sees them): what opening the page shows, in one session. None for no
    relationship id in the URL. On another section the messages are neither read nor marked read:
    the member has not seen them (the header keeps counting them until Messages is opened)."""
    if not relationship_id:
        return None
    found = dashboard_snapshot.snapshot(
        session, actor=user, relationship_id=relationship_id, section=section, today=today
    )
    if section != "messages" or found.overview is None:
        return found, None
    return found, messaging.read_thread(session, actor=user, other_id=found.overview.partner_id, after_id=0)


class DashboardState(GoalsPart, MeetingsPart, ToolsPart, EndingPart, CheckinPart, SurveyPart, SessionState):
    """The dashboard of the relationship in the URL, for one of its two members."""

    loaded: bool = False
    found: bool = False
    section: str = "details"
    partner_id: int = 0
    partner_name: str = ""
    partner_headline: str = ""
    partner_photo: str = ""
    my_role: str = ""
    status: str = ""
    status_label: str = ""
    read_only: bool = True
    requested_on: str = ""
    accepted_on: str = ""
    ended_on: str = ""
    end_reason: str = ""
    journey_number: int = 1
    contact_email: str = ""
    contact_phone: str = ""
    contact_preferred: str = ""
    # Progress at a glance
    goals_total: int = 0
    goals_achieved: int = 0
    milestones_done: int = 0
    milestones_total: int = 0
    glance_meetings: int = 0  # meetings held in this journey (the Meetings section lists them all)
    glance_time: str = "0 min"
    glance_journey: int = 1
    days_since_contact: str = ""
    # Messages
    messages: list[MessageCard] = []
    earlier_messages: list[MessageCard] = []  # Show earlier messages: read back, not live
    has_earlier_messages: bool = False
    earlier_messages_capped: bool = False
    _messages_read: bool = False  # the thread was read in this tab (Messages opened, or a message sent)
    message_errors: dict[str, str] = {}
    message_form_key: int = 0
    no_errors: dict[str, str] = {}  # for optional fields that cannot be wrong
    # Guides for the open section's stage
    shelf_label: str = ""
    shelf_guides: list[GuideLink] = []
    shelf_videos: list[VideoCard] = []
    _is_mentor_here: bool = False

    @rx.var
    def partner_initials(self) -> str:
        return faces.initials(self.partner_name)

    @rx.var
    def partner_colour(self) -> str:
        return faces.colour(self.partner_id)

    def _id_from_url(self) -> int:
        return id_from_path(self.router.url.path)

    def _show_overview(self, view: dashboard.Overview) -> None:
        tz = self.time_zone
        self.partner_id, self.partner_name = view.partner_id, view.partner_name
        self.partner_headline = view.partner_headline
        self.partner_photo = photo_url(view.partner_photo) if view.partner_photo else ""
        self.my_role, self._is_mentor_here = view.role, view.role == "mentor"
        self.status, self.status_label, self.read_only = view.status, view.status_label, view.read_only
        self.requested_on = timefmt.show(view.requested_at, tz, timefmt.DAY)
        self.accepted_on = timefmt.show(view.accepted_at, tz, timefmt.DAY)
        self.ended_on = timefmt.show(view.ended_at, tz, timefmt.DAY)
        self.end_reason = view.end_reason
        self.journey_number = view.journey_number
        contact = view.contact
        self.contact_email = contact.email if contact else ""
        self.contact_phone = contact.phone if contact else ""
        self.contact_preferred = (
            profiles.CONTACT_METHODS.get(contact.preferred, contact.preferred) if contact else ""
        )

    def _show_progress(self, glance: dashboard.Progress) -> None:
        self.goals_total, self.goals_achieved = glance.goals_total, glance.goals_achieved
        self.milestones_done, self.milestones_total = glance.milestones_done, glance.milestones_total
        self.glance_meetings, self.glance_time = glance.meetings_held, timefmt.length(glance.minutes)
        self.glance_journey = glance.journey_number
        days = glance.days_since_last_contact
        self.days_since_contact = (
            "No contact yet" if days is None else ("Today" if days == 0 else f"{days} day{'s' * (days != 1)}")
        )

    async def _load_shelf(self, user: User) -> None:
        self._show_shelf(await call(guides.for_section, actor=user, section=self.section))

    def _show_shelf(self, shelf: guides.StageShelf) -> None:
        self.shelf_label = shelf.label
        self.shelf_guides = [
            GuideLink(
                title=g.title, url=f"{routes.GUIDES}/{g.slug}", summary=g.summary, minutes=g.reading_minutes
            )
            for g in shelf.guides
        ]
        self.shelf_videos = [
            VideoCard(
                title=v.title,
                url=v.url or "",
                file_url=upload_url(v.file_name),
                captions_url=upload_url(v.captions_file_name),
                transcript=v.transcript,
            )
            for v in shelf.videos
        ]

    async def _load_messages(self, user: User) -> None:
        """The thread's messages after those shown (the latest ones the first time), read and so
        marked read: only while the Messages section is open, or after this member wrote."""
        self._show_new_messages(await newer_cards(user, self.partner_id, self.messages, self.time_zone))

    def _show_new_messages(self, cards: list[MessageCard]) -> None:
        """Append the thread's new messages: the thread is read in this tab from now on."""
        self._messages_read = True
        if not self.messages:  # the thread's opening page: its latest messages
            self.has_earlier_messages = may_have_earlier(cards)
        if cards:
            self.messages += cards
            self.days_since_contact = "Today"  # a message is contact (dashboard.progress)

    async def _load_parts(self, user: User, parts: frozenset[str]) -> None:
        """The dashboard's ``parts`` (dashboard_snapshot), read in one session and one trip to a
        database thread."""
        found = await call(
            dashboard_snapshot.snapshot,
            actor=user,
            relationship_id=self.relationship_id,
            section=self.section,
            today=self._today(),
            parts=parts,
        )
        self._show_snapshot(found)

    def _show_snapshot(self, found: dashboard_snapshot.Snapshot) -> None:
        """Show the parts that were read (the overview first: the others name the partner)."""
        if found.overview is not None:
            self._show_overview(found.overview)
        if found.progress is not None:
            self._show_progress(found.progress)
        if found.agreement is not None:
            self._show_agreement(found.agreement, self.partner_name)
        if found.goals is not None:
            self._show_goals(found.goals, self.partner_name)
        if found.meetings is not None:
            self._show_meetings(found.meetings)
        if found.ending is not None:
            self._show_ending(found.ending)
        if found.shelf is not None:
            self._show_shelf(found.shelf)
        if found.checkin_read:
            self._show_checkin(found.checkin)
        if found.survey_read:
            self._show_survey(found.survey)

    async def _refresh_dashboard(self) -> None:
        """After this member's own change that names no part: show every part as it now stands."""
        user = await self._current_member()
        if user is not None and self.found:
            await self._load_parts(user, dashboard_snapshot.EVERY_PART)

    @rx.event
    async def load(self):
        self.loaded, self.found, self.messages, self._messages_read = False, False, [], False
        self.earlier_messages, self.has_earlier_messages, self.earlier_messages_capped = [], False, False
        # Nothing of a previously opened relationship stays in this browser's state.
        self.partner_name = self.contact_email = self.contact_phone = self.contact_preferred = ""
        self._show_checkin(None)
        self._show_survey(None)
        self._reset_picker()  # another relationship's free times never show here
        self.relationship_id = self._id_from_url()
        wanted = self.router.url.query_parameters.get("section", "")
        self.section = wanted if wanted in SECTIONS else "details"
        user, found = await self._open_page(
            _dashboard_page, relationship_id=self.relationship_id, section=self.section, today=self._today()
        )
        if user is not None and isinstance(found, tuple):
            snapshot, thread = found
            self._show_snapshot(snapshot)
            if thread is not None:
                self.messages = [message_card(m, self.time_zone) for m in thread]
                self.has_earlier_messages = may_have_earlier(thread)
                self._messages_read = True
            self.found = True
        self.loaded = True
        return self._page_opened(user)

    async def _live_refresh(self, user: User, topics: frozenset[str]) -> None:
        """A published change concerns this member (state/live_tabs.py): append the thread's new
        messages, and re-read the parts of this relationship that the change names (all of them
        for a change of the relationship itself, or after a lost connection)."""
        if not self.found or not self.relationship_id:
            return
        everything = live.EVERYTHING in topics
        changed = live.relationship_parts(topics, self.relationship_id)
        try:
            if (everything or live.MESSAGE in topics) and self._messages_read:
                await self._load_messages(user)
            if everything or changed is not None:
                parts = (
                    dashboard_snapshot.EVERY_PART
                    if everything
                    else dashboard_snapshot.parts_after(changed or ())
                )
                await self._load_parts(user, parts)
        except ServiceError:
            return  # no longer this member's to see: the next page load says so

    @rx.event
    async def open_section(self, section: object):
        if not isinstance(section, str) or section not in SECTIONS:
            return
        self.section = section
        user = await self._current_member()
        if user is not None and self.found:
            await self._load_shelf(user)
            if section == "messages" and not self._messages_read:
                await self._load_messages(user)
        # The open section goes into the address (without a navigation): when the websocket
        # reconnects (a network blip, or the instance holding it stopped and the proxy sends it to
        # another) `load` runs again and reads it from there, so the member stays where they were
        # with what they typed, instead of being taken back to Details.
        return rx.call_script(f"history.replaceState(history.state, '', '?section={section}')")

    @rx.event
    async def show_earlier_messages(self):
        """Read back the pair's messages before the first one shown (this member's own thread)."""
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        if self.found and self._messages_read and self.partner_id:
            shown = self.earlier_messages or self.messages
            cards, more = await earlier_cards(user, self.partner_id, shown, self.time_zone)
            held = hold_earlier(cards, self.earlier_messages, more)
            self.earlier_messages, self.has_earlier_messages, self.earlier_messages_capped = held
        return None

    @rx.event
    async def send_message(self, form: FormData):
        # The member sees the conversation after writing: the messages since those shown (the
        # latest ones, if Messages had not been opened in this tab) come with the send.
        posted = await post_message(self, self.partner_id, form, self.messages)
        if posted.user is None:
            return self._login_redirect()
        self.message_errors = posted.errors
        if posted.refusal:
            return rx.toast.error(posted.refusal)
        if self.message_errors:
            return None
        self.message_form_key += 1
        self._show_new_messages(posted.cards)
        return None

    @rx.event
    async def withdraw(self, form: FormData):
        user = await self._current_member()
        if user is None:
            return self._login_redirect()
        reason = form.get("reason", "")
        try:
            await call(
                relationships.withdraw,
                actor=user,
                relationship_id=self.relationship_id,
                reason=reason[:1000] if isinstance(reason, str) else "",
            )
        except ServiceError as refusal:
            return rx.toast.error(refusal.message)
        await self._refresh_dashboard()
        return rx.toast.success(
            f"You have withdrawn from the relationship. {self.partner_name} has been told."
        )
