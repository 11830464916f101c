"""The page a check-in email's button opens: records the answer without a log-in (the link's
key is the proof), once; then thanks the member and offers "Add a note" in the app."""

from __future__ import annotations

import reflex as rx

from mentoring_app.services.mentoring import checkins
from mentoring_app.services.mentoring.relationship_access import dashboard_path
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState

MESSAGES = {
    checkins.RECORDED: "Thank you. Your answer, {answer}, is recorded.",
    checkins.ALREADY: "Your answer to this check-in was already recorded. Thank you.",
    checkins.EXPIRED: "This check-in link has expired. You can answer the next check-in when it comes.",
    checkins.INVALID: "This check-in link is not valid. Open it from the email as it came, or log in "
    "and answer on your relationship dashboard.",
}


class CheckinLinkState(SessionState):
    link_checked: bool = False
    link_ok: bool = False  # recorded now or before: the note can be added in the app
    message: str = ""
    note_url: str = ""

    @rx.event
    async def record(self):
        self.link_checked = self.link_ok = False
        self.message = self.note_url = ""
        params = self.router.url.query_parameters
        outcome = await call(
            checkins.record_from_link,
            checkin_id=str(params.get("c", ""))[:20],
            key=str(params.get("key", ""))[:200],
            answer=str(params.get("answer", ""))[:2],
        )
        label = f"{outcome.answer} ({checkins.SCALE[outcome.answer].lower()})" if outcome.answer else ""
        self.message = MESSAGES[outcome.status].format(answer=label)
        self.link_ok = outcome.status in (checkins.RECORDED, checkins.ALREADY)
        self.note_url = dashboard_path(outcome.relationship_id) if self.link_ok else ""
        self.link_checked = True
