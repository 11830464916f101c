"""The app root no longer imports all of Radix Themes for dynamic components (the app has none)."""

from __future__ import annotations

import re

import pytest
from reflex_base.constants import Dirs

from mentoring_app import style
from mentoring_app.settings import PROJECT_ROOT
from mentoring_app.web.lean_bundle import (
    APP_ROOT,
    COLORS,
    PRUNE_SOURCE,
    PRUNE_STEP,
    ROOT_STYLESHEET,
    LeanBundle,
    drop_dynamic_radix,
    prune_unused_components,
    radix_css_parts,
)

ROOT = """import {Theme as RadixThemesTheme} from "@radix-ui/themes"
  const loaders = {
    "@radix-ui/themes": () => import("@radix-ui/themes"),
    "some-lib": () => import("some-lib"),
  };"""


def test_only_the_radix_themes_loader_goes() -> None:
    root = drop_dynamic_radix(ROOT)
    assert 'import("@radix-ui/themes")' not in root
    assert 'import {Theme as RadixThemesTheme} from "@radix-ui/themes"' in root  # static imports stay
    assert '"some-lib": () => import("some-lib"),' in root
    assert drop_dynamic_radix(root) == root


def test_the_plugin_rewrites_the_compiled_app_root() -> None:
    tasks: list[tuple[str, object]] = []
    LeanBundle().pre_compile(add_modify_task=lambda path, fn: tasks.append((path, fn)))
    assert tasks == [
        (APP_ROOT, drop_dynamic_radix),
        (ROOT_STYLESHEET, radix_css_parts),
        (Dirs.POSTCSS_JS, prune_unused_components),
    ]
    assert (APP_ROOT, ROOT_STYLESHEET) == ("app/root.jsx", "styles/__reflex_global_styles.css")
    [(path, content)] = LeanBundle().get_static_assets()
    assert str(path) == PRUNE_STEP and content == PRUNE_SOURCE.read_text()


POSTCSS_CONFIG = """export default {
  plugins: {
    "postcss-import": {},
    autoprefixer: noVendorPrefix ? false : {},
  },
};"""


def test_the_used_components_step_runs_right_after_the_imports_are_inlined() -> None:
    config = prune_unused_components(POSTCSS_CONFIG)
    lines = [line.strip() for line in config.splitlines()]
    assert lines[lines.index('"postcss-import": {},') + 1] == f'"./{PRUNE_STEP}": {{}},'
    assert prune_unused_components(config) == config  # a rebuild adds it once
    with pytest.raises(ValueError, match="postcss-import"):
        prune_unused_components("export default { plugins: {} };")


STYLESHEET = """@layer __reflex_base;
@import url('./__reflex_style_reset.css');
@import url('@radix-ui/themes/styles.css');
@import url('./print.css');"""


def test_the_stylesheet_imports_radix_parts_and_only_the_named_colours() -> None:
    css = radix_css_parts(STYLESHEET, colors=("indigo", "sand", "indigo"))
    lines = css.splitlines()
    assert "styles.css" not in css
    assert lines[:2] == ["@layer __reflex_base;", "@import url('./__reflex_style_reset.css');"]
    assert lines[2:8] == [  # colour scales first, then the base tokens that map gray to sand
        "@import url('@radix-ui/themes/tokens/colors/indigo.css');",
        "@import url('@radix-ui/themes/tokens/colors/sand.css');",
        "@import url('@radix-ui/themes/tokens/base.css');",
        "@import url('@radix-ui/themes/components.css');",
        "@import url('@radix-ui/themes/utilities.css');",
        "@import url('./print.css');",
    ]
    assert radix_css_parts(css) == css


RADIX_COLOURS = [
    "amber",
    "blue",
    "bronze",
    "brown",
    "crimson",
    "cyan",
    "gold",
    "grass",
    "gray",
    "green",
    "indigo",
    "iris",
    "jade",
    "lime",
    "mauve",
    "mint",
    "olive",
    "orange",
    "pink",
    "plum",
    "purple",
    "red",
    "ruby",
    "sage",
    "sand",
    "sky",
    "slate",
    "teal",
    "tomato",
    "violet",
    "yellow",
]


def test_every_colour_the_pages_name_is_kept() -> None:
    """Any Radix colour named as a string in the app (color_scheme="red", rx.cond(..., "red",
    "indigo"), style.ACCENT) must have its scale in the stylesheet."""
    named = {style.ACCENT, style.GRAY}
    for source in (PROJECT_ROOT / "mentoring_app").rglob("*.py"):
        named |= set(re.findall(r'["\'](\w+)["\']', source.read_text())) & set(RADIX_COLOURS)
    assert {"red", "green", "indigo"} <= named
    assert named <= set(COLORS), named - set(COLORS)
