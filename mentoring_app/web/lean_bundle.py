"""Every page loads only the Radix Themes components it uses (a Reflex build plugin).

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
"""

from __future__ import annotations

from typing import Any

from reflex_base.constants import Dirs
from reflex_base.constants.compiler import PageNames
from reflex_base.plugins.base import Plugin

RADIX_THEMES_LOADER = '"@radix-ui/themes": () => import("@radix-ui/themes"),'
APP_ROOT = f"{Dirs.PAGES}/{PageNames.APP_ROOT}"


def drop_dynamic_radix(root: str) -> str:
    """The compiled app root without the dynamic import of all of Radix Themes (other lazy
    libraries, and the loader that serves them, stay as they are)."""
    return "\n".join(line for line in root.split("\n") if line.strip() != RADIX_THEMES_LOADER)


class LeanBundle(Plugin):
    """Takes the whole-package Radix Themes import out of the app root (see module doc)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](APP_ROOT, drop_dynamic_radix)
