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
"""

from __future__ import annotations

from typing import Any

from reflex_base.constants import Dirs
from reflex_base.constants.compiler import PageNames
from reflex_base.plugins.base import Plugin

RADIX_THEMES_LOADER = '"@radix-ui/themes": () => import("@radix-ui/themes"),'
APP_ROOT = f"{Dirs.PAGES}/{PageNames.APP_ROOT}"
ROOT_STYLESHEET = f"{Dirs.STYLES}/{PageNames.STYLESHEET_ROOT}.css"
RADIX_THEMES_STYLES = "@import url('@radix-ui/themes/styles.css');"
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


class LeanBundle(Plugin):
    """Takes the whole-package Radix Themes import out of the app root, and the colour scales no
    page uses out of the stylesheet (see module doc)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](APP_ROOT, drop_dynamic_radix)
        context["add_modify_task"](ROOT_STYLESHEET, radix_css_parts)
