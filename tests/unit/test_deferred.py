"""Find mentor's criteria and results render in a React transition after the fallback."""

from __future__ import annotations

import reflex as rx

from mentoring_app.components.deferred import DEFERRED_RENDER, deferred


def test_content_then_fallback_in_a_component_that_starts_a_transition() -> None:
    component = deferred(rx.text("content"), rx.text("fallback"))
    rendered = component.render()
    assert rendered["name"] == "DeferredRender"
    assert [child["children"][0]["contents"] for child in rendered["children"]] == ['"content"', '"fallback"']
    assert DEFERRED_RENDER in component._get_all_custom_code()
    assert "startTransition(() => setReady(true))" in DEFERRED_RENDER
    imported = {var.tag for var in component._get_all_imports()["react"]}
    assert {"useState", "useEffect", "startTransition", "Children"} <= imported
