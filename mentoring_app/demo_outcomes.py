"""Demo data for the Outcomes page: a year of finished mentoring relationships, so the admin's
charts tell a story on first run. Each pair was accepted, met (the first meeting sooner for
some than others), answered check-ins every four weeks, then ended or withdrew, and each member
answered the outcome survey or skipped it. Made through the services, as members would, with the
clock set back. Only once (nothing is added if any survey exists).
"""

from __future__ import annotations

import random
from datetime import timedelta

from sqlmodel import Session, select

from mentoring_app.models import OutcomeSurvey, Profile, User
from mentoring_app.models.types import utcnow
from mentoring_app.services.errors import ServiceError
from mentoring_app.services.mentoring import checkins, ending, meetings, outcome_survey, relationships

PAIRS = 14
REQUEST = (
    "I would like support with building a freelance practice: finding clients, setting rates and "
    "planning my CPD for the next year."
)
HELPED = (
    "Honest feedback on my rates and the courage to ask for more.",
    "Having someone who had done it before: every meeting ended with a clear next step.",
    "The SMART goal made me break a big wish into steps I could do every week.",
    "Practice runs for the interpreting exam, with detailed notes afterwards.",
    "Meeting regularly, even briefly; it kept us going.",
    "Introductions to two agencies and advice on my CV.",
    "A fresh view of my mentee's sector: I learnt as much as I taught.",
)


def _candidates(session: Session, named: set[str]) -> tuple[list[User], list[User]]:
    people = session.exec(select(User).where(User.email.like("%@example.org")).order_by(User.id)).all()  # type: ignore[attr-defined]
    offered = {
        p.user_id
        for p in session.exec(
            select(Profile).where(Profile.available.is_(True), Profile.mentor_matchable.is_(True))  # type: ignore[attr-defined]
        ).all()
    }
    free = [u for u in people if u.email not in named]
    mentors = [u for u in free if u.is_mentor and not u.is_mentee and u.id in offered]
    mentees = [u for u in free if u.is_mentee and not u.is_mentor]
    return mentors, mentees


def _scores(rng: random.Random, good: bool) -> tuple[str, int, int]:
    """Goals, satisfaction and recommendation of one member of a pair that went well or not."""
    if good:
        return rng.choice(["fully", "fully", "partly"]), rng.choice([4, 5, 5]), rng.choice([8, 9, 10, 10])
    return rng.choice(["partly", "not"]), rng.choice([2, 3, 3]), rng.choice([3, 5, 6, 7])


def finished_relationships(session: Session, rng: random.Random, named: set[str]) -> int:
    """Add the finished pairs (see module doc); returns how many were made."""
    if session.exec(select(OutcomeSurvey.id).limit(1)).first() is not None:
        return 0
    mentors, mentees = _candidates(session, named)
    now = utcnow()
    made = 0
    for mentor, mentee in list(zip(mentors[-PAIRS:], mentees[-PAIRS:], strict=False)):
        good = rng.random() < 0.7
        accepted = now - timedelta(days=rng.randint(120, 340))
        end = min(accepted + timedelta(days=rng.randint(40, 220)), now - timedelta(days=rng.randint(2, 20)))
        try:
            rel = relationships.send_request(
                session,
                actor=mentee,
                mentor_id=mentor.id,
                text=REQUEST,
                now=accepted - timedelta(days=2),  # type: ignore[arg-type]
            )
            relationships.accept_request(session, actor=mentor, request_id=rel.id, now=accepted)  # type: ignore[arg-type]
        except ServiceError:
            session.rollback()
            continue
        rid: int = rel.id  # type: ignore[assignment]
        held = accepted + timedelta(days=rng.choice([3, 5, 8, 12, 19, 34] if good else [12, 26, 45, 70]))
        while held < end:
            meetings.log_meeting(
                session,
                actor=mentee,
                relationship_id=rid,
                held_on=held.date(),
                duration_minutes=60,
                notes="Progress on the goals; next steps agreed.",
                today=held.date(),
                now=held,
            )
            held += timedelta(days=rng.randint(18, 40))
        asked, round_no = accepted + timedelta(weeks=4), 1
        while asked < end:
            checkins.send_round(session, (rid, mentee.id, mentor.id), round_no, asked)  # type: ignore[arg-type]
            for member in (mentee, mentor):
                if rng.random() < 0.85:
                    score = rng.choice([4, 4, 5, 5, 3]) if good else rng.choice([1, 2, 2, 3, 4])
                    checkins.answer_checkin(
                        session,
                        actor=member,
                        relationship_id=rid,
                        answer=str(score),
                        now=asked + timedelta(hours=6),
                    )
            asked, round_no = asked + timedelta(weeks=4), round_no + 1
        closer = mentee if rng.random() < 0.6 else mentor
        if rng.random() < 0.75:
            ending.end_relationship(session, actor=closer, relationship_id=rid, now=end)
        else:
            relationships.withdraw(session, actor=closer, relationship_id=rid, reason="", now=end)
        for member in (mentee, mentor):
            when = end + timedelta(hours=rng.randint(1, 72))
            if rng.random() < 0.2:
                outcome_survey.skip_survey(session, actor=member, relationship_id=rid, now=when)
                continue
            goals, satisfaction, recommend = _scores(rng, good)
            outcome_survey.answer_survey(
                session,
                actor=member,
                relationship_id=rid,
                goals=goals,
                satisfaction=satisfaction,
                recommend=recommend,
                helped_most=rng.choice(HELPED) if rng.random() < 0.6 else "",
                now=when,
            )
        made += 1
    return made
