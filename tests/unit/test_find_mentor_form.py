"""Find mentor's form as the browser sends it (components/search_form.py): the criteria, the page
paging asks for, the URL it leads to, and what the phone's Filters (n) button counts."""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qsl

from reflex_base.utils.form import FormData

from mentoring_app.services.discovery import matching
from mentoring_app.state.find_mentor import filter_count, query_for, search_from_form, search_from_query

SPECS = [SimpleNamespace(key=key) for key in ("region", "languages", "specialisms")]
KEYS = [spec.key for spec in SPECS]


def _form(*items: tuple[str, str]) -> FormData:
    return FormData(items)


def test_a_ticked_form_is_the_search_on_page_one() -> None:
    form = _form(("q", "legal"), ("page", "1"), ("region", "3"), ("region", "5"), ("exact", "region"))
    search = search_from_form(form, SPECS)  # type: ignore[arg-type]
    assert search == matching.Search(
        selected={"region": (3, 5)}, exact=frozenset({"region"}), keyword="legal", page=1
    )


def test_paging_keeps_every_criterion_and_asks_for_its_page() -> None:
    """The bug of the starting list: Next page sent the page alone. Now it is the form, criteria
    and all, with the page wanted."""
    form = _form(("page", "2"), ("languages", "40"), ("languages", "41"), ("specialisms", "7"))
    search = search_from_form(form, SPECS)  # type: ignore[arg-type]
    assert search.selected == {"languages": (40, 41), "specialisms": (7,)}
    assert search.page == 2
    assert dict(parse_qsl(query_for(search))) == {"languages": "40,41", "specialisms": "7", "page": "2"}
    assert search_from_query(dict(parse_qsl(query_for(search))), KEYS) == search


def test_a_forged_page_or_an_exact_field_without_a_choice_is_ignored() -> None:
    for page, wanted in (("zz", 1), ("-3", 1), ("", 1), ("10000000", 100_000)):
        assert search_from_form(_form(("page", page)), SPECS).page == wanted  # type: ignore[arg-type]
    form = _form(("exact", "region"), ("exact", "nonsense"), ("languages", "40"))
    assert search_from_form(form, SPECS).exact == frozenset()  # type: ignore[arg-type]
    assert search_from_form(_form(), SPECS) == matching.Search()  # type: ignore[arg-type]


def test_filters_count_the_chosen_values_and_the_keyword() -> None:
    assert filter_count(matching.Search()) == 0
    assert filter_count(matching.Search(selected={"region": (3, 5), "languages": (40,)})) == 3
    assert filter_count(matching.Search(selected={"region": (3,)}, keyword="legal")) == 2


def test_importance_comes_with_the_form_and_goes_into_the_url() -> None:
    """Each field's Important / Nice to have radio; Nice to have on a field without a choice, or
    on a Must match (Exact match) field, weighs nothing and is dropped."""
    form = _form(
        ("region", "3"),
        ("languages", "40"),
        ("exact", "region"),
        ("importance_region", "nice"),
        ("importance_languages", "nice"),
        ("importance_specialisms", "nice"),
    )
    search = search_from_form(form, SPECS)  # type: ignore[arg-type]
    assert search.nice == frozenset({"region", "languages"})
    assert matching.clean_search(search, []).nice == frozenset()  # no fields known: nothing kept
    assert search.weights == {"region": 3, "languages": 1}  # Must match counts as Important
    assert dict(parse_qsl(query_for(search)))["nice"] == "languages,region"
    assert search_from_query(dict(parse_qsl(query_for(search))), KEYS) == search
