"""The home page's figures for the current member."""

from __future__ import annotations

import reflex as rx

from mentoring_app.services import profiles
from mentoring_app.state.db_calls import call
from mentoring_app.state.session import SessionState


class HomeState(SessionState):
    profile_percent: int = 0

    @rx.event
    async def load(self) -> None:
        user = await self._current_member()
        if user is None or not (user.is_mentor or user.is_mentee):
            self.profile_percent = 0
            return
        own = await call(profiles.own_profile, actor=user)
        self.profile_percent = own.completeness.percent
