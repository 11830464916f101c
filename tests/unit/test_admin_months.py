"""The months a chart page (admin dashboard, Outcomes) reads from its URL."""

from __future__ import annotations

from datetime import date

from mentoring_app.state.admin_dashboard import default_range, months_from_url

TODAY = date(2026, 11, 30)


def test_months_in_the_url_are_taken_and_missing_ones_default_to_the_last_twelve() -> None:
    start, end = default_range(TODAY)
    assert months_from_url({"from": "2025-01", "to": "2025-12"}, TODAY) == (
        date(2025, 1, 1),
        date(2025, 12, 1),
        "",
    )
    assert months_from_url({}, TODAY) == (start, end, "")
    assert months_from_url({"from": "2025-03"}, TODAY) == (date(2025, 3, 1), end, "")


def test_a_month_that_is_not_a_year_and_month_says_so_and_keeps_the_default() -> None:
    start, end = default_range(TODAY)
    found = months_from_url({"from": "March", "to": "2025-13"}, TODAY)
    assert found == (start, end, "Choose months as year and month, for example 2025-01.")
