"""How much each Find mentor field weighs: Must match, Important or Nice to have.

Why a module of its own: the search (``matching``), its in-process index, the saved criteria and
the page all read the same weights and the same saved form, and none should import the others
for it. Must match is the old Exact match: it keeps only mentors who match the field, and counts
as Important in the score (so the fit figure reads the same whether a field is Must or Important).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MUST = "must"
IMPORTANT = "important"
NICE = "nice"
LEVELS = (MUST, IMPORTANT, NICE)
WEIGHTS = {MUST: 3, IMPORTANT: 3, NICE: 1}
DEFAULT = IMPORTANT
LABELS = {MUST: "Must match", IMPORTANT: "Important", NICE: "Nice to have"}
EXPLAINED = (
    f"Important counts {WEIGHTS[IMPORTANT]}, Nice to have {WEIGHTS[NICE]} for each value a mentor "
    "matches; Must match (Exact match) keeps only mentors who match that field, and counts as "
    "Important. Fit is a mentor's count out of the best possible."
)
MAX_SAVED = 400  # characters of profiles.sought_importance


def level_of(key: str, exact: Iterable[str], nice: Iterable[str]) -> str:
    """A field's importance: Must match wins over Nice to have; anything else is Important."""
    if key in exact:
        return MUST
    return NICE if key in nice else IMPORTANT


def weight_of(key: str, exact: Iterable[str], nice: Iterable[str]) -> int:
    return WEIGHTS[level_of(key, exact, nice)]


def best_score(
    selected: Mapping[str, tuple[int, ...]], multiple: Mapping[str, bool], weights: Mapping[str, int]
) -> int:
    """The highest weighted score a mentor can reach: every value of a many-value field, one of a
    one-value field (a mentor has one Region, however many the mentee chose)."""
    return sum(
        weights[key] * (len(ids) if multiple.get(key, True) else 1) for key, ids in selected.items() if ids
    )


def fit_percent(score: int, best: int) -> int:
    """The fit figure: a score as a whole percent of the best possible (0 with nothing chosen)."""
    return min(100, round(100 * score / best)) if best > 0 else 0


def encode(exact: Iterable[str], nice: Iterable[str]) -> str:
    """The saved form, ``"languages=nice,region=must"`` (Important fields are not named)."""
    exact = set(exact)
    parts = [f"{key}={MUST}" for key in exact] + [f"{key}={NICE}" for key in set(nice) - exact]
    return ",".join(sorted(parts))[:MAX_SAVED]


def decode(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The Must match and Nice to have fields of a saved form (unknown words are ignored)."""
    must, nice = set(), set()
    for part in (text or "").split(","):
        key, _, level = part.partition("=")
        if key and level == MUST:
            must.add(key)
        elif key and level == NICE:
            nice.add(key)
    return frozenset(must), frozenset(nice - must)
