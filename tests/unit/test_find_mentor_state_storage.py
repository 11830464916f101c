"""Find mentor's vocabulary is not stored with each tab's state in Redis (issue 14, item 4)."""

from __future__ import annotations

import pickle

import reflex as rx

import mentoring_app.mentoring_app  # noqa: F401 - the app's states, registered as Reflex does
from mentoring_app.state import find_mentor
from mentoring_app.state.criteria_picker import FieldView, OptionView

VOCABULARY = [
    FieldView(
        key="region",
        input_name="region",
        label="Region",
        kind="checkboxes",
        selected_id="",
        options=[OptionView(id=str(n), label=f"Region {n} " + "x" * 40, selected=False) for n in range(200)],
        exact=False,
        cost="",
    )
]


def _tab_with_vocabulary(digest: str) -> find_mentor.FindMentorState:
    root = rx.State(_reflex_internal_init=True)
    tab = root.get_substate(find_mentor.FindMentorState.get_full_name().split("."))
    find_mentor._DRAWN.clear()
    find_mentor._DRAWN[digest] = VOCABULARY
    tab.fields, tab._fields_digest, tab.keyword = VOCABULARY, digest, "legal"
    return tab


def test_the_stored_state_leaves_the_vocabulary_out_and_gets_it_back() -> None:
    tab = _tab_with_vocabulary("abc")
    payload = tab._serialize()
    assert b"Region 199" not in payload
    assert len(payload) < 2_000, "the vocabulary (about 10 KB here) would be in the payload"

    _, back = pickle.loads(payload)  # noqa: S301 - our own payload, as Reflex reads it
    assert back.fields == VOCABULARY  # drawn again from the process's copy, not sent again
    assert (back._fields_digest, back.keyword) == ("abc", "legal")


def test_a_vocabulary_the_process_has_not_drawn_is_sent_again() -> None:
    tab = _tab_with_vocabulary("abc")
    payload = tab._serialize()
    find_mentor._DRAWN.clear()  # e.g. another worker, or the vocabulary changed since

    _, back = pickle.loads(payload)  # noqa: S301 - our own payload, as Reflex reads it
    assert back.fields == []
    assert back._fields_digest == "", "the next answer must send the vocabulary"


def test_the_stored_state_leaves_the_pickers_labels_out_and_a_pick_still_finds_them() -> None:
    """The type-to-find labels (Languages: 185 of them) are the process's, not each tab's: the
    payload carries only the chips; a worker that never drew the form reads the vocabulary when a
    member picks."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from mentoring_app.services.discovery.vocabulary import Choice, FieldSpec
    from mentoring_app.state import criteria_picker

    languages = FieldSpec(
        id=2,
        key="languages",
        label="Languages",
        multiple=True,
        choices=tuple(Choice(n, f"Language {n} " + "y" * 30) for n in range(1, 200)),
    )
    tab = _tab_with_vocabulary("abc")
    tab._set_picker_chips([languages], {"languages": (7,)})
    payload = tab._serialize()
    assert b"Language 150" not in payload and b"Language 7 " in payload  # the chip only
    assert len(payload) < 3_000

    _, back = pickle.loads(payload)  # noqa: S301 - our own payload, as Reflex reads it
    criteria_picker._LABELS.clear()  # as in a worker that has not drawn the form

    async def vocabulary(fn, /, **kwargs):  # type: ignore[no-untyped-def]
        return [languages]

    original = criteria_picker.call
    criteria_picker.call = vocabulary  # type: ignore[assignment]
    try:
        # In a thread of its own: the browser tests may leave an event loop running in this one.
        with ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, back.pick("languages", "  language 12 " + "Y" * 30)).result()
    finally:
        criteria_picker.call = original  # type: ignore[assignment]
    assert [chip["id"] for chip in back.chips["languages"]] == ["7", "12"]
    assert back.picker_text["languages"] == ""
