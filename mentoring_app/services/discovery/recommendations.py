"""Recommended for you (a mentee's Home) and the mentors a declining mentor may suggest, ranked by
fit for that mentee.

Both ask Find mentor's ranking as it is (:func:`matching.saved_search`, then
:func:`matching.find_mentors`), so a recommendation is what Find mentor would show first and
follows any change to how it ranks. This module only decides whose criteria to rank by, whom to
leave out, and how a result reads as a reason ("why").
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import literal, union_all
from sqlmodel import Session, select

from mentoring_app.models import MemberCriterion, Relationship, SavedMentor, User
from mentoring_app.models.profiles import MENTOR_SIDE
from mentoring_app.models.relationships import ACCEPTED, REQUESTED
from mentoring_app.services.discovery import matching
from mentoring_app.services.discovery.vocabulary import option_labels
from mentoring_app.services.errors import NotAllowed

TOP = 3


@dataclass(frozen=True)
class Recommendations:
    """The top mentors for a mentee's saved criteria; ``has_criteria`` False: nothing saved yet,
    so Home asks them to add what they look for instead of listing mentors in no useful order."""

    mentors: tuple[matching.MentorResult, ...] = ()
    has_criteria: bool = False
    saved: frozenset[int] = frozenset()  # which of them are on the mentee's shortlist


@dataclass(frozen=True)
class Candidate:
    """A mentor a declining mentor may suggest, with why they fit this mentee ("" when unranked)."""

    mentor_id: int
    name: str
    reason: str = ""


def why_lines(result: matching.MentorResult) -> tuple[str, ...]:
    """What a recommendation card says about why this mentor ranks there, as Find mentor's cards
    do: the fit figure, the criteria matched, and the important ones missed."""
    lines = [f"Fit {result.fit} %"] if result.matched or result.missing else []
    lines += result.matched
    lines += [f"Missing (important): {line}" for line in result.missing]
    return tuple(lines)


def fit_reason(result: matching.MentorResult) -> str:
    """A short reason for a choice in a list: "matches Region, Languages" (the fields matched)."""
    fields = dict.fromkeys(line.split(": ", 1)[0] for line in result.matched)
    return f"matches {', '.join(fields)}" if fields else ""


def _asked_and_saved(session: Session, mentee_id: int) -> tuple[set[int], set[int]]:
    """In one statement: the mentors this mentee is waiting on or works with (no point
    recommending them), and the mentors on their shortlist."""
    asked = select(Relationship.mentor_id, literal(True).label("asked")).where(
        Relationship.mentee_id == mentee_id,
        Relationship.status.in_([REQUESTED, ACCEPTED]),  # type: ignore[attr-defined]
    )
    saved = select(SavedMentor.mentor_id, literal(False).label("asked")).where(
        SavedMentor.mentee_id == mentee_id
    )
    rows = session.exec(union_all(asked, saved)).all()  # type: ignore[call-overload]
    return {m for m, was_asked in rows if was_asked}, {m for m, was_asked in rows if not was_asked}


def recommend(session: Session, *, viewer: User | None, limit: int = TOP) -> Recommendations:
    """The ``limit`` best mentors for the viewer's saved criteria, leaving out the viewer and the
    mentors they already asked or work with (Find mentor already leaves out anyone not offered)."""
    if viewer is None or not viewer.is_active or not viewer.is_mentee:
        raise NotAllowed("Recommendations are for mentees.")
    search = matching.saved_search(session, viewer=viewer)
    if not search.selected:
        return Recommendations()
    found = matching.find_mentors(session, viewer=viewer, search=search)
    asked, saved = _asked_and_saved(session, viewer.id) if found.results else (set(), set())  # type: ignore[arg-type]
    kept = tuple(r for r in found.results if r.user_id not in asked)[:limit]
    return Recommendations(
        mentors=kept, has_criteria=True, saved=frozenset(r.user_id for r in kept if r.user_id in saved)
    )


def _offered_criteria(session: Session, mentor_id: int) -> matching.Search:
    """A search for mentors like this one: their own mentor criteria, field by field."""
    ids = session.exec(
        select(MemberCriterion.option_id).where(
            MemberCriterion.user_id == mentor_id, MemberCriterion.side == MENTOR_SIDE
        )
    ).all()
    selected: dict[str, list[int]] = {}
    for option_id, (key, _) in option_labels(session, list(ids)).items():
        selected.setdefault(key, []).append(option_id)
    return matching.Search(selected={k: tuple(sorted(v)) for k, v in selected.items()})


def best_fits(session: Session, *, mentee_id: int, declining_mentor_id: int) -> list[Candidate]:
    """The mentors who fit this mentee best, best first, for a declining mentor's suggestion: by
    the mentee's saved criteria, or when they saved none, by the declined mentor's own criteria
    (whom the mentee chose says what they look for). Never the mentee or the declining mentor.
    Callers check that the actor may see this (relationships.suggestion_candidates)."""
    mentee = session.get(User, mentee_id)
    if mentee is None or not mentee.is_active or not mentee.is_mentee:
        return []
    search = matching.saved_search(session, viewer=mentee)
    if not search.selected:
        search = _offered_criteria(session, declining_mentor_id)
        if not search.selected:
            return []
    found = matching.find_mentors(session, viewer=mentee, search=search)
    return [
        Candidate(mentor_id=r.user_id, name=r.name, reason=fit_reason(r))
        for r in found.results
        if r.user_id != declining_mentor_id
    ]
