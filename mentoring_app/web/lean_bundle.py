"""Every page loads only the Radix Themes code and colours it uses (a Reflex build plugin).

Reflex lets ``rx.dynamic`` components (component code sent by the backend at run time) use Radix
Themes, so the compiled app root keeps a loader, ``"@radix-ui/themes": () =>
import("@radix-ui/themes")``, even with ``frontend_lazy_bundled_libraries`` on. That dynamic import
of the whole package makes the bundler keep all of Radix Themes (Context Menu, Dropdown Menu,
Hover Card, Scroll Area, Tooltip, ...) and, since the pages import parts of it statically, put all
of it in the chunk every page loads: about 73 KB of compressed JavaScript per page (measured: 256
-> 183 KB gzip for Home) that no page of this app needs, on the critical path of a phone's first
render and of its main thread.

This app has no ``rx.dynamic`` components, so after Reflex compiles the app root
(``pre_compile``'s modify task, applied before the files are written) the loader for Radix Themes
is taken out and the bundler tree-shakes the package as usual. Should the app ever render dynamic
components that use Radix Themes, remove this plugin from ``rxconfig.py``.

The same goes for the stylesheet every page waits for before its first paint: Radix Themes'
``styles.css`` holds the tokens of all its 30 colour scales (35 KB of its 86 KB, gzip). The root
stylesheet imports instead its parts (the base tokens, the components, the utilities) and the
colour scales the app names (``COLORS``: the theme's accent and gray, and each ``color_scheme``
the pages use): the same rules for every colour on screen, about a quarter less CSS.

Radix Themes' ``components.css`` styles all of its components (Select, Slider, Segmented Control,
Hover Card, ...), most of which no page renders: 21 of its 38 KB (brotli) of CSS, which every page
waits for and parses before its first paint. A PostCSS step (``build_assets/
postcss-radix-components.js``, written into ``.web`` and added to its PostCSS configuration) keeps
only the rules of the components the compiled app imports and of the Radix Themes modules those
import in turn (measured: the stylesheet 624 -> 454 KB, 37.8 -> 30.3 KB brotli). It runs inside
the build, so the stylesheet's hashed name follows what it keeps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reflex_base.constants import Dirs
from reflex_base.constants.compiler import PageNames
from reflex_base.plugins.base import Plugin

RADIX_THEMES_LOADER = '"@radix-ui/themes": () => import("@radix-ui/themes"),'
APP_ROOT = f"{Dirs.PAGES}/{PageNames.APP_ROOT}"
ROOT_STYLESHEET = f"{Dirs.STYLES}/{PageNames.STYLESHEET_ROOT}.css"
RADIX_THEMES_STYLES = "@import url('@radix-ui/themes/styles.css');"
# Keeps the used components' rules of components.css (see the module doc).
PRUNE_STEP = "postcss-radix-components.js"
PRUNE_SOURCE = Path(__file__).parent / "build_assets" / PRUNE_STEP
POSTCSS_IMPORT = '"postcss-import": {},'
# The colour scales the pages name: the theme's accent and gray (style.py), Radix's default gray,
# and every color_scheme in mentoring_app/ (grep color_scheme). Add a colour here before using it.
COLORS = ("indigo", "sand", "gray", "red", "green", "blue", "orange", "amber")


def drop_dynamic_radix(root: str) -> str:
    """The compiled app root without the dynamic import of all of Radix Themes (other lazy
    libraries, and the loader that serves them, stay as they are)."""
    return "\n".join(line for line in root.split("\n") if line.strip() != RADIX_THEMES_LOADER)


def radix_css_parts(stylesheet: str, colors: tuple[str, ...] = COLORS) -> str:
    """The root stylesheet with Radix Themes' parts and the named colour scales instead of all of it."""
    parts = [  # in tokens.css's order: the colour scales, then the base tokens that map them
        *(f"@import url('@radix-ui/themes/tokens/colors/{color}.css');" for color in dict.fromkeys(colors)),
        "@import url('@radix-ui/themes/tokens/base.css');",
        "@import url('@radix-ui/themes/components.css');",
        "@import url('@radix-ui/themes/utilities.css');",
    ]
    return stylesheet.replace(RADIX_THEMES_STYLES, "\n".join(parts))


def prune_unused_components(postcss_config: str) -> str:
    """The PostCSS configuration with the used-components step right after postcss-import, which
    inlines the stylesheet's imports (so the step sees components.css's rules)."""
    step = f'"./{PRUNE_STEP}": {{}},'
    if step in postcss_config:
        return postcss_config
    if POSTCSS_IMPORT not in postcss_config:
        msg = f"{Dirs.POSTCSS_JS} no longer runs postcss-import: see mentoring_app/web/lean_bundle.py"
        raise ValueError(msg)
    return postcss_config.replace(POSTCSS_IMPORT, f"{POSTCSS_IMPORT}\n    {step}", 1)


class LeanBundle(Plugin):
    """Takes the whole-package Radix Themes import out of the app root, and the colour scales and
    components no page uses out of the stylesheet (see module doc)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](APP_ROOT, drop_dynamic_radix)
        context["add_modify_task"](ROOT_STYLESHEET, radix_css_parts)
        context["add_modify_task"](Dirs.POSTCSS_JS, prune_unused_components)

    def get_static_assets(self, **context: Any) -> list[tuple[Path, str]]:
        return [(Path(PRUNE_STEP), PRUNE_SOURCE.read_text(encoding="utf-8"))]
