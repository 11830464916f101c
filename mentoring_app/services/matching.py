"""Find mentor: broad match ranking, exact-match filters, keyword search, paging, and what each
exact filter costs. The database does the ranking: one grouped query over the criteria index.

Every selected option counts once. A mentor's score is how many of the selected options they
have; exact fields become conditions on the same grouped rows (HAVING), so one pass over the
index rows of the selected options answers the whole search.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from mentoring_app.models import MemberCriterion, Profile, User
from mentoring_app.models.profiles import MENTEE_SIDE, MENTOR_SIDE
from mentoring_app.services.errors import NotAllowed
from mentoring_app.services.vocabulary import FieldSpec, load_fields, option_labels

PAGE_SIZE = 20
MAX_KEYWORD_WORDS = 6


@dataclass(frozen=True)
class Search:
    """What the mentee asked for: option ids per field key, the fields to match exactly, a keyword."""

    selected: dict[str, tuple[int, ...]] = field(default_factory=dict)
    exact: frozenset[str] = frozenset()
    keyword: str = ""
    page: int = 1

    @property
    def criteria_count(self) -> int:
        return sum(len(ids) for ids in self.selected.values())


@dataclass(frozen=True)
class MentorResult:
    user_id: int
    name: str
    headline: str
    photo: str | None
    score: int
    matched: tuple[str, ...]  # "Region: North West", "Languages: Spanish", ...
    region: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class FilterCost:
    field_label: str
    values: tuple[str, ...]
    with_filter: int
    without_filter: int


@dataclass(frozen=True)
class SearchResults:
    results: tuple[MentorResult, ...]
    total: int
    page: int
    pages: int
    criteria_count: int
    costs: tuple[FilterCost, ...]


def clean_search(search: Search, fields: list[FieldSpec]) -> Search:
    """Keep only active fields and options; exact flags only on fields with selected values."""
    known = {spec.key: spec for spec in fields}
    selected: dict[str, tuple[int, ...]] = {}
    for key, ids in search.selected.items():
        spec = known.get(key)
        if spec is None:
            continue
        valid = spec.by_id
        kept = tuple(dict.fromkeys(i for i in ids if i in valid))
        if kept:
            selected[key] = kept
    words = " ".join(search.keyword.split()[:MAX_KEYWORD_WORDS])[:100]
    return Search(
        selected=selected,
        exact=frozenset(k for k in search.exact if k in selected),
        keyword=words,
        page=max(1, int(search.page)),
    )


def _offered(viewer_id: int | None) -> ColumnElement[bool]:
    """Mentors who may be offered: matchable, available, with room, active, not the viewer."""
    conditions = [
        Profile.mentor_matchable.is_(True),  # type: ignore[attr-defined]
        Profile.available.is_(True),  # type: ignore[attr-defined]
        Profile.capacity > 0,
        User.is_active.is_(True),  # type: ignore[attr-defined]
        User.is_mentor.is_(True),  # type: ignore[attr-defined]
    ]
    if viewer_id is not None:
        conditions.append(User.id != viewer_id)
    return and_(*conditions)


def _keyword(keyword: str) -> ColumnElement[bool] | None:
    words = keyword.casefold().split()
    if not words:
        return None
    return and_(
        *(
            or_(
                func.lower(User.name).contains(word, autoescape=True),
                func.lower(Profile.headline).contains(word, autoescape=True),
                func.lower(Profile.bio).contains(word, autoescape=True),
            )
            for word in words
        )
    )


def _ranked(
    search: Search, fields: dict[str, FieldSpec], viewer_id: int | None, skip_exact: str = ""
) -> Select:
    """user_id, score, completeness, last_active for every offered mentor the search admits."""
    criterion = MemberCriterion.__table__.c  # type: ignore[attr-defined]
    all_ids = [i for ids in search.selected.values() for i in ids]
    having = [func.count() >= 1]
    for key in search.exact:
        if key == skip_exact:
            continue
        ids = search.selected[key]
        hits = func.sum(case((criterion.option_id.in_(ids), 1), else_=0))
        having.append(hits == len(ids) if fields[key].multiple else hits >= 1)
    statement = (
        select(
            criterion.user_id.label("user_id"),
            func.count().label("score"),
            Profile.completeness.label("completeness"),
            User.last_active_at.label("last_active"),
        )
        .select_from(MemberCriterion.__table__)
        .join(Profile, Profile.user_id == criterion.user_id)
        .join(User, User.id == criterion.user_id)
        .where(criterion.side == MENTOR_SIDE, criterion.option_id.in_(all_ids), _offered(viewer_id))
        .group_by(criterion.user_id, Profile.completeness, User.last_active_at)
        .having(and_(*having))
    )
    keyword = _keyword(search.keyword)
    return statement.where(keyword) if keyword is not None else statement


def _unranked(search: Search, viewer_id: int | None) -> Select:
    """With no criteria: every offered mentor (matching the keyword), most recently active first."""
    statement = (
        select(
            User.id.label("user_id"),  # type: ignore[union-attr]
            literal(0).label("score"),
            Profile.completeness.label("completeness"),
            User.last_active_at.label("last_active"),
        )
        .select_from(User)
        .join(Profile, Profile.user_id == User.id)
        .where(_offered(viewer_id))
    )
    keyword = _keyword(search.keyword)
    return statement.where(keyword) if keyword is not None else statement


def search_statement(search: Search, fields: list[FieldSpec], viewer_id: int | None) -> Select:
    """The page query, exactly as the service runs it (the benchmark times it bare)."""
    known = {spec.key: spec for spec in fields}
    base = _ranked(search, known, viewer_id) if search.selected else _unranked(search, viewer_id)
    ranked = base.subquery("ranked")
    order = (
        [ranked.c.score.desc(), ranked.c.completeness.desc()]
        if search.selected
        else [ranked.c.completeness.desc()]
    )
    if not search.selected:
        order = []
    return (
        select(ranked.c.user_id, ranked.c.score)
        .order_by(*order, ranked.c.last_active.desc().nulls_last(), ranked.c.user_id)
        .limit(PAGE_SIZE)
        .offset((search.page - 1) * PAGE_SIZE)
    )


def _count(session: Session, statement: Select) -> int:
    return int(session.execute(select(func.count()).select_from(statement.subquery())).scalar_one())


def find_mentors(session: Session, *, viewer: User | None, search: Search) -> SearchResults:
    """One page of mentors for a logged-in member, best matches first, with filter costs."""
    if viewer is None or not viewer.is_active:
        raise NotAllowed("Please log in to find a mentor.")
    if not (viewer.is_mentee or viewer.is_admin):
        raise NotAllowed("Find mentor is for mentees. Add the mentee role to look for a mentor.")
    fields = load_fields(session)
    known = {spec.key: spec for spec in fields}
    search = clean_search(search, fields)
    base = _ranked(search, known, viewer.id) if search.selected else _unranked(search, viewer.id)
    total = _count(session, base)
    pages = max(1, -(-total // PAGE_SIZE))
    if search.page > pages:
        search = Search(search.selected, search.exact, search.keyword, pages)
    rows = session.execute(search_statement(search, fields, viewer.id)).all()
    results = _describe(session, [(row.user_id, row.score) for row in rows], search, known)
    costs = tuple(
        FilterCost(
            field_label=known[key].label,
            values=tuple(known[key].by_id[i].label for i in search.selected[key]),
            with_filter=total,
            without_filter=_count(session, _ranked(search, known, viewer.id, skip_exact=key)),
        )
        for key in sorted(search.exact, key=lambda k: fields.index(known[k]))
    )
    return SearchResults(
        results=results,
        total=total,
        page=search.page,
        pages=pages,
        criteria_count=search.criteria_count,
        costs=costs,
    )


def _describe(
    session: Session, page: list[tuple[int, int]], search: Search, known: dict[str, FieldSpec]
) -> tuple[MentorResult, ...]:
    """Names, headlines, region, languages and matched criteria for one page of mentors."""
    ids = [user_id for user_id, _ in page]
    if not ids:
        return ()
    people = {
        row.id: row
        for row in session.execute(
            select(User.id, User.name, Profile.headline, Profile.photo)
            .join(Profile, Profile.user_id == User.id)
            .where(User.id.in_(ids))  # type: ignore[union-attr]
        ).all()
    }
    criteria_rows = session.execute(
        select(MemberCriterion.user_id, MemberCriterion.option_id).where(
            MemberCriterion.user_id.in_(ids),  # type: ignore[attr-defined]
            MemberCriterion.side == MENTOR_SIDE,
        )
    ).all()
    labels = option_labels(session, list({row.option_id for row in criteria_rows}))
    by_user: dict[int, list[int]] = {}
    for row in criteria_rows:
        by_user.setdefault(row.user_id, []).append(row.option_id)
    results = []
    for user_id, score in page:
        person = people[user_id]
        options = by_user.get(user_id, [])
        matched = tuple(
            f"{known[labels[i][0]].label}: {labels[i][1]}"
            for key in known
            for i in search.selected.get(key, ())
            if i in options
        )
        results.append(
            MentorResult(
                user_id=user_id,
                name=person.name,
                headline=person.headline,
                photo=person.photo,
                score=int(score),
                matched=matched,
                region=next((labels[i][1] for i in options if labels.get(i, ("",))[0] == "region"), ""),
                languages=tuple(
                    sorted(labels[i][1] for i in options if labels.get(i, ("",))[0] == "languages")
                ),
            )
        )
    return tuple(results)


def saved_search(session: Session, *, viewer: User | None) -> Search:
    """The criteria a mentee saved on their profile: where Find mentor starts."""
    if viewer is None or not viewer.is_active:
        raise NotAllowed("Please log in to find a mentor.")
    ids = session.execute(
        select(MemberCriterion.option_id).where(
            MemberCriterion.user_id == viewer.id, MemberCriterion.side == MENTEE_SIDE
        )
    ).scalars()
    labels = option_labels(session, list(ids))
    selected: dict[str, list[int]] = {}
    for option_id, (key, _) in labels.items():
        selected.setdefault(key, []).append(option_id)
    return Search(selected={k: tuple(sorted(v)) for k, v in selected.items()})
