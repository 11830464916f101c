"""An in-process index shaped for Find mentor: per option, a bitset of the mentors offering it.

Why: the SQL path groups every criteria row of the selected options (hundreds of thousands at
100,000 mentors) on each search. The question is small in bits: one bit per mentor per option
(about 3 MB at 100,000 mentors), so scoring, the exact filters, the total and each filter's cost
are a few dozen AND/OR/popcount operations on Python integers (arbitrary-length bitsets, no
dependency), and only the page's 20 mentors are then read from the database.

Scores are weighted (Important 3, Nice to have 1): each selected option's bitset is added into a
bit-sliced counter once per set bit of its weight, at that bit's plane, so weighing costs a few
more big-integer additions, never a loop over mentors.

The layout makes the tie-breaks free: a mentor's bit position follows the order the SQL uses
after score, places left and answer speed: ``last_active_at DESC, id`` (taken from the database's
own ORDER BY, so its NULL and collation rules hold): the higher the position, the earlier in the
list. Each (places left, answer hours) pair has one bitset, a tie level, so a page is read level
by level (score, then tie level), each level's members highest position first.

A change re-places one mentor: their old position is cleared everywhere (one AND-NOT per bitset)
and, if their ``last_active_at`` changed, they are inserted where the order puts them: a log-in
puts them at the top, which costs nothing; lower down, the positions above move up by one (a
shift of each bitset). Positions left empty are reclaimed by a rebuild, in a worker thread (see
:mod:`matching_index_store`), once they outnumber the mentors, as are large batches of changes.

The index is not thread-safe by itself: the store serialises searches and changes with one lock
(searches hold it for the in-memory part only, which holds the GIL anyway).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import repeat

from sqlalchemy import DateTime, String, Text, bindparam, cast, func, or_, select, type_coerce
from sqlmodel import Session

from mentoring_app.models import MemberCriterion, Profile, User
from mentoring_app.models.profiles import MENTOR_SIDE

PAGE_SIZE = 20
MAX_MOVES = 200  # mentors re-placed in one refresh; beyond that a rebuild is cheaper
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_NEWEST = 2**62  # PostgreSQL sorts NULL first in DESC order: a NULL time is "newest" there
_OLDEST = -(2**62)  # SQLite sorts it last


Tie = tuple[int | None, int | None]  # profiles.places_left, profiles.answer_hours


def tie_order(tie: Tie) -> tuple[bool, int, bool, int]:
    """The SQL's ``places_left DESC NULLS LAST, answer_hours ASC NULLS LAST`` as a sort key."""
    places, hours = tie
    return (places is None, -(places or 0), hours is None, hours or 0)


class NeedsRebuild(Exception):
    """A change the index cannot take in place (see the module docstring)."""


@dataclass(frozen=True)
class MentorRow:
    """What the index keeps about one mentor, as read from the database."""

    user_id: int
    last_active: datetime | None
    tie: Tie  # (places left, answer hours); (None, None): no profile row
    listed: bool  # profiles.offered: shown when no criteria are selected
    options: tuple[int, ...]  # mentor-side criteria rows with offered = true


@dataclass(frozen=True)
class Ranked:
    """One page of the index's answer: (user id, score) rows, the total and each filter's cost."""

    rows: list[tuple[int, int]]
    total: int
    without: dict[str, int]


@dataclass
class MatchingIndex:
    """Bitsets over mentor positions; see the module docstring for the layout."""

    dialect: str
    version: int = 0
    users: array = field(default_factory=lambda: array("q"))  # position -> user id
    times: array = field(default_factory=lambda: array("q"))  # position -> sort key of last_active_at
    pos_of: dict[int, int] = field(default_factory=dict)  # user id -> position (present only)
    options: dict[int, int] = field(default_factory=dict)  # option id -> bitset
    listed: int = 0  # profiles.offered
    buckets: dict[Tie, int] = field(default_factory=dict)  # tie level -> bitset

    @property
    def size(self) -> int:
        return len(self.pos_of)

    @property
    def width(self) -> int:
        return len(self.users)

    def needs_compaction(self) -> bool:
        """Empty positions (left by moves) outnumber the mentors: a rebuild reclaims them."""
        return self.width > 2 * self.size + 1024

    def time_key(self, when: datetime | None) -> int:
        if when is None:
            return _NEWEST if self.dialect == "postgresql" else _OLDEST
        return (when - _EPOCH) // _MICROSECOND

    # Building and changing.

    def load(self, ordered: Sequence[MentorRow]) -> None:
        """Fill an empty index from mentors in the database's order (most recent first)."""
        groups: dict[int, list[int]] = {}
        for row in ordered:
            for option in row.options:
                groups.setdefault(option, []).append(row.user_id)
        self.load_columns(
            [r.user_id for r in ordered],
            [self.time_key(r.last_active) for r in ordered],
            [r.tie for r in ordered],
            [r.listed for r in ordered],
            groups,
        )

    def load_columns(
        self,
        user_ids: Sequence[int],
        time_keys: Sequence[int],
        ties: Sequence[Tie],
        listed: Sequence[bool],
        groups: Mapping[int, Iterable[int]],
    ) -> list[int]:
        """Fill an empty index: mentors most recent first, and per option its mentors' ids.
        Returns the ids in ``groups`` that are not among the mentors (the caller decides)."""
        count = len(user_ids)
        self.users = array("q", reversed(user_ids))
        self.times = array("q", reversed(time_keys))
        self.pos_of = pos_of = dict(zip(user_ids, range(count - 1, -1, -1), strict=True))
        missing: list[int] = []
        options = {}
        for option, ids in groups.items():
            positions = list(map(pos_of.get, ids))
            if None in positions:
                missing += [user_id for user_id, p in zip(ids, positions, strict=True) if p is None]
                positions = [p for p in positions if p is not None]
            options[option] = _bitset(positions, count)
        self.options = {k: b for k, b in options.items() if b}
        by_value: dict[Tie, list[int]] = {}
        for rank, value in enumerate(ties):
            by_value.setdefault(value, []).append(count - 1 - rank)
        self.buckets = {value: _bitset(positions, count) for value, positions in by_value.items()}
        self.listed = _bitset([count - 1 - rank for rank, flag in enumerate(listed) if flag], count)
        return missing

    def apply(self, changed: Iterable[int], rows: Mapping[int, MentorRow], version: int) -> None:
        """Bring the changed members up to date: ``rows`` holds those still in the index.

        A member whose activity time is unchanged keeps their position; one whose time changed
        (or who is new) is inserted where the order puts them (at the top for a fresh log-in,
        which costs nothing; lower down, every position above moves up by one). Raises
        NeedsRebuild, leaving the index as it was, when rebuilding is cheaper (many moves)."""
        changed = set(changed)
        kept: dict[int, int] = {}
        moves: list[MentorRow] = []
        for user_id in changed:
            row, old = rows.get(user_id), self.pos_of.get(user_id)
            if row is None:
                continue
            if old is not None and self.times[old] == self.time_key(row.last_active):
                kept[user_id] = old
            else:
                moves.append(row)
        if len(moves) > MAX_MOVES:
            raise NeedsRebuild(f"{len(moves)} mentors to re-place")
        clear = 0
        for user_id in changed:
            old = self.pos_of.pop(user_id, None)
            if old is not None:
                clear |= 1 << old
        if clear:
            keep = ~clear
            self.options = {k: (b & keep if b & clear else b) for k, b in self.options.items()}
            self.buckets = {k: (b & keep if b & clear else b) for k, b in self.buckets.items()}
            self.listed &= keep
        for user_id, position in kept.items():
            self._set(rows[user_id], position)
        for row in sorted(moves, key=lambda r: (self.time_key(r.last_active), -r.user_id)):
            self._set(row, self._insert(row))
        self.options = {k: b for k, b in self.options.items() if b}
        self.buckets = {k: b for k, b in self.buckets.items() if b}
        self.version = max(self.version, version)

    def _insert(self, row: MentorRow) -> int:
        """Open the position where ``row`` belongs in the order (positions above move up one)."""
        key = (self.time_key(row.last_active), -row.user_id)
        times, users = self.times, self.users
        position = bisect_left(range(len(users)), key, key=lambda p: (times[p], -users[p]))
        if position < len(users):
            low = (1 << position) - 1

            def shift(bits: int) -> int:
                return (bits & low) | (bits >> position << (position + 1)) if bits >> position else bits

            self.options = {k: shift(b) for k, b in self.options.items()}
            self.buckets = {k: shift(b) for k, b in self.buckets.items()}
            self.listed = shift(self.listed)
            pos_of = self.pos_of
            for above in range(len(users) - 1, position - 1, -1):
                user_id = users[above]
                if pos_of.get(user_id) == above:
                    pos_of[user_id] = above + 1
        users.insert(position, row.user_id)
        times.insert(position, key[0])
        return position

    def _set(self, row: MentorRow, position: int) -> None:
        bit = 1 << position
        self.pos_of[row.user_id] = position
        for option in row.options:
            self.options[option] = self.options.get(option, 0) | bit
        self.buckets[row.tie] = self.buckets.get(row.tie, 0) | bit
        if row.listed:
            self.listed |= bit

    # Answering.

    def bits_of(self, user_ids: Iterable[int]) -> int:
        """A bitset of these members' positions (members not in the index are ignored)."""
        positions = [p for p in map(self.pos_of.get, user_ids) if p is not None]
        return _bitset(positions, self.width)

    def _ordered_buckets(self) -> list[int]:
        """Tie level bitsets in the SQL's order: places left DESC, answer hours ASC, NULLS LAST."""
        return [self.buckets[v] for v in sorted(self.buckets, key=tie_order)]

    def rank(
        self,
        selected: Mapping[str, tuple[int, ...]],
        exact: Mapping[str, bool],
        *,
        page: int,
        viewer_id: int | None,
        keyword: int | None,
        weights: Mapping[str, int] | None = None,
    ) -> Ranked:
        """The page, total and costs, exactly as matching.search_statement orders and counts them.

        ``exact`` maps each exact field to whether it takes many values (all must match) or one
        (any of the selected must match). ``keyword`` is the bitset of keyword matches, if any.
        ``weights``: each field's weight (1 when not given)."""
        offset = (page - 1) * PAGE_SIZE
        excluded = 0
        if viewer_id is not None and viewer_id in self.pos_of:
            excluded = 1 << self.pos_of[viewer_id]
        if not selected:
            pool = self.listed & ~excluded
            if keyword is not None:
                pool &= keyword
            return Ranked(self._page([], pool, 0, offset), pool.bit_count(), {})
        weights = weights or {}
        chosen = [self.options.get(i, 0) for ids in selected.values() for i in ids]
        weighted = [(self.options.get(i, 0), weights.get(k, 1)) for k, ids in selected.items() for i in ids]
        base = 0
        for bits in chosen:
            base |= bits
        base &= ~excluded
        if keyword is not None:
            base &= keyword
        options = self.options
        met = {k: _field_met([options.get(i, 0) for i in selected[k]], many) for k, many in exact.items()}
        keep = base
        for bits in met.values():
            keep &= bits
        without = {}
        for key in sorted(exact):
            rest = base
            for other, bits in met.items():
                if other != key:
                    rest &= bits
            without[key] = rest.bit_count()
        top = sum(weight for _, weight in weighted)
        rows = self._page(_bit_planes(weighted), keep, top, offset)
        return Ranked(rows, keep.bit_count(), without)

    def _page(self, planes: list[int], keep: int, top: int, offset: int) -> list[tuple[int, int]]:
        """Walk score levels (highest first), then tie levels, skipping ``offset``. With no planes
        (no criteria) there is one level, score 0: every mentor of ``keep``."""
        rows: list[tuple[int, int]] = []
        skip, wanted = offset, PAGE_SIZE
        buckets = None
        scores = range(min(top, (1 << len(planes)) - 1), 0, -1) if planes else range(0, -1, -1)
        for score in scores:
            level = keep
            for i, plane in enumerate(planes):
                level &= plane if score >> i & 1 else ~plane
                if not level:
                    break
            count = level.bit_count()
            if count <= skip:
                skip -= count
                continue
            buckets = buckets if buckets is not None else self._ordered_buckets()
            for bucket in buckets:
                group = level & bucket
                size = group.bit_count()
                if size <= skip:
                    skip -= size
                    continue
                taken = _highest(group, skip, wanted)
                skip, wanted = 0, wanted - len(taken)
                rows += [(self.users[p], score) for p in taken]
                if not wanted:
                    return rows
        return rows

    def memory_bytes(self) -> int:
        """Roughly what the index holds in memory (bitsets, arrays, the position map)."""
        import sys

        bitsets = sum(sys.getsizeof(b) for b in (*self.options.values(), *self.buckets.values(), self.listed))
        arrays = sys.getsizeof(self.users) + sys.getsizeof(self.times)
        positions = sys.getsizeof(self.pos_of) + sum(
            sys.getsizeof(k) + sys.getsizeof(v) for k, v in self.pos_of.items()
        )
        return bitsets + arrays + positions


def _bitset(positions: Sequence[int], width: int) -> int:
    """A bitset with these bits set, built at C speed: the positions become '1' characters of a
    binary numeral (no Python bytecode per bit), which int() reads in linear time."""
    if not positions:
        return 0
    digits = bytearray(b"0") * width
    deque(map(digits.__setitem__, map((width - 1).__sub__, positions), repeat(49)), maxlen=0)
    return int(digits, 2)


def _field_met(bitsets: list[int], many: bool) -> int:
    """Exact match on one field: all its selected options (many-value field) or any (one-value)."""
    result = bitsets[0]
    for bits in bitsets[1:]:
        result = result & bits if many else result | bits
    return result


def _bit_planes(weighted: list[tuple[int, int]]) -> list[int]:
    """Per-mentor weighted sums over ``(bitset, weight)`` pairs, as binary digit planes (a
    bit-sliced adder): plane i holds bit i of each mentor's score. A bitset of weight 3 is added
    at plane 0 and at plane 1. O(n log n) big-integer operations."""
    planes: list[int] = []
    for bits, weight in weighted:
        start = 0
        while weight:
            if weight & 1 and bits:
                carry, i = bits, start
                while carry:
                    if i == len(planes):
                        planes.append(0)
                    planes[i], carry = planes[i] ^ carry, planes[i] & carry
                    i += 1
            weight >>= 1
            start += 1
    return planes


def _highest(bits: int, skip: int, take: int) -> list[int]:
    """Positions of the set bits of ``bits``, highest first, after skipping the ``skip`` highest."""
    if skip:
        low, high = 0, bits.bit_length()
        while low < high:  # the lowest position p with at most ``skip`` set bits at or above it
            middle = (low + high) // 2
            if (bits >> middle).bit_count() <= skip:
                high = middle
            else:
                low = middle + 1
        bits &= (1 << low) - 1
    found = []
    while bits and len(found) < take:
        position = bits.bit_length() - 1
        found.append(position)
        bits ^= 1 << position
    return found


# Reading from the database.


def _mentor_select(user_ids: list[int] | None):  # type: ignore[no-untyped-def]
    """Members in an index: an offered profile or offered mentor-side criteria; most recent first."""
    criteria = MemberCriterion.__table__.c  # type: ignore[attr-defined]
    offering = select(criteria.user_id).where(criteria.side == MENTOR_SIDE, criteria.offered.is_(True))
    statement = (
        select(User.id, User.last_active_at, Profile.places_left, Profile.answer_hours, Profile.offered)
        .outerjoin(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .order_by(User.last_active_at.desc(), User.id)  # type: ignore[union-attr, arg-type]
    )
    if user_ids is None:
        return statement.where(or_(Profile.offered.is_(True), User.id.in_(offering)))  # type: ignore[attr-defined, union-attr]
    return statement.where(User.id.in_(bindparam("ids", expanding=True)))  # type: ignore[union-attr]


def _options_by_mentor(session: Session, user_ids: list[int] | None) -> dict[int, list[int]]:
    """Offered mentor-side options per member, read as one aggregated row per option."""
    criteria = MemberCriterion.__table__.c  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect.name
    joined = (
        func.string_agg(cast(criteria.user_id, Text), ",")
        if dialect == "postgresql"
        else func.group_concat(criteria.user_id)
    )
    statement = (
        select(criteria.option_id, joined)
        .where(criteria.side == MENTOR_SIDE, criteria.offered.is_(True))
        .group_by(criteria.option_id)
    )
    params = {}
    if user_ids is not None:
        statement = statement.where(criteria.user_id.in_(bindparam("ids", expanding=True)))
        params = {"ids": user_ids}
    by_mentor: dict[int, list[int]] = {}
    for option_id, joined_ids in session.execute(statement, params):
        for user_id in map(int, joined_ids.split(",")):
            by_mentor.setdefault(user_id, []).append(option_id)
    return by_mentor


def read_mentors(session: Session, user_ids: list[int] | None = None) -> list[MentorRow]:
    """Every mentor an index holds (or those of ``user_ids`` who still belong), most recent first."""
    options = _options_by_mentor(session, user_ids)
    params = {"ids": user_ids} if user_ids is not None else {}
    rows = []
    for user_id, last_active, places, hours, listed in session.execute(_mentor_select(user_ids), params):
        mentor_options = options.get(user_id, ())
        if listed or mentor_options:
            rows.append(MentorRow(user_id, last_active, (places, hours), bool(listed), tuple(mentor_options)))
    return rows


def _time_column(dialect: str):  # type: ignore[no-untyped-def]
    """``users.last_active_at`` without the ORM type's per-row conversion (a rebuild reads tens
    of thousands): SQLite's stored text, PostgreSQL's driver datetime."""
    if dialect == "sqlite":
        return type_coerce(User.last_active_at, String)
    return type_coerce(User.last_active_at, DateTime(timezone=True))


def _raw_time_keys(index: MatchingIndex, values: Iterable[str | datetime | None]) -> list[int]:
    """Sort keys (see MatchingIndex.time_key) of raw ``last_active_at`` values: SQLite's text
    (UTC, naive) or PostgreSQL's aware datetimes."""
    null = index.time_key(None)
    parse, naive_epoch = datetime.fromisoformat, _EPOCH.replace(tzinfo=None)
    return [
        null
        if value is None
        else (parse(value) - naive_epoch) // _MICROSECOND
        if isinstance(value, str)
        else (value - _EPOCH) // _MICROSECOND
        for value in values
    ]


def build(session: Session, version: int) -> MatchingIndex:
    """A new index from the database, labelled with ``version`` (read before the data).

    Fast path: offered profiles in the database's order, and one aggregated row of mentor ids
    per option. Members with offered criteria but no offered profile (sync_offer keeps the two
    flags in step, so normally none) send it to the general, slower query."""
    dialect = session.get_bind().dialect.name
    index = MatchingIndex(dialect=dialect, version=version)
    criteria = MemberCriterion.__table__.c  # type: ignore[attr-defined]
    joined = (
        func.string_agg(cast(criteria.user_id, Text), ",")
        if dialect == "postgresql"
        else func.group_concat(criteria.user_id)
    )
    groups = {
        option_id: list(map(int, ids.split(",")))
        for option_id, ids in session.execute(
            select(criteria.option_id, joined)
            .where(criteria.side == MENTOR_SIDE, criteria.offered.is_(True))
            .group_by(criteria.option_id)
        )
    }
    mentors = session.execute(
        select(User.id, _time_column(dialect), Profile.places_left, Profile.answer_hours)
        .join(Profile, Profile.user_id == User.id)  # type: ignore[arg-type]
        .where(Profile.offered.is_(True))  # type: ignore[attr-defined]
        .order_by(User.last_active_at.desc(), User.id)  # type: ignore[union-attr, arg-type]
    ).all()
    user_ids = [row[0] for row in mentors]
    missing = index.load_columns(
        user_ids,
        _raw_time_keys(index, (row[1] for row in mentors)),
        [(row[2], row[3]) for row in mentors],
        [True] * len(mentors),
        groups,
    )
    if missing:
        index = MatchingIndex(dialect=dialect, version=version)
        index.load(read_mentors(session))
    return index
