"""The admin visits chart on a phone: its range buttons sit below the legend's own row, never over
it (side by side at the top, a narrow chart drew one over the other)."""

from __future__ import annotations

from mentoring_app.state.admin_dashboard import RANGE_BUTTONS_Y, SELECTOR_ROOM, _month_axis


def test_the_legend_has_a_row_above_the_range_buttons() -> None:
    axis = _month_axis(("2026-01", "2026-02"), selector=True)
    buttons, legend = axis["rangeselector"], SELECTOR_ROOM["legend"]
    assert (buttons["x"], buttons["xanchor"], buttons["y"], buttons["yanchor"]) == (
        0,
        "left",
        RANGE_BUTTONS_Y,
        "bottom",
    )
    assert legend["yanchor"] == "bottom" and legend["y"] > buttons["y"] + 0.1  # a row of its own above
    assert SELECTOR_ROOM["margin"]["t"] >= 80  # room for both rows above the plot
    assert "rangeselector" not in _month_axis(("2026-01",))  # other charts keep the legend at the top
