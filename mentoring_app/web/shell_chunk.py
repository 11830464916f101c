"""The code every page runs arrives in one file (a Reflex build plugin).

Left to itself, the bundler splits the code that every page needs (React, React Router, the
websocket client, Emotion, Radix Themes and its primitives, Lucide's code and the logo's icon,
Reflex's state runtime) along the lines of which pages share which module: Find mentor fetched 23
script files before it could render, 18 of them between 0.9 and 4.3 KB (compressed). On a phone's
connection each file costs a round trip, and the browser opens at most six connections to the app:
the small files held those connections while the big ones (React DOM, 56 KB) got a sixth of the
bandwidth each. In one file, Find mentor fetches 10 scripts and Lighthouse's mobile model puts its
largest paint 0.3 to 0.4 s earlier (README, "Page speed").

After Reflex writes ``vite.config.js`` (a modify task, so a rebuild keeps it) one code-splitting
group gathers the packages every page imports and Reflex's state runtime into a ``shell`` chunk;
the bundler adds what they import. A page's own code, its icons, and the libraries only some pages
use (Plotly, Markdown, syntax highlighting, uploads) stay in chunks of their own: a package that is
not named here keeps the bundler's own splitting. The shell is the same file on every page, so the
browser keeps it in its cache (hashed name, cached for a year: web/caching.py).
"""

from __future__ import annotations

from typing import Any

from reflex_base.constants import ReactRouter
from reflex_base.plugins.base import Plugin

VITE_CONFIG = ReactRouter.VITE_CONFIG_FILE
GROUPS = "          groups: [\n"
# Packages that the app root or every page imports (their own imports follow them), and Reflex's
# state runtime in .web/utils.
SHELL_PACKAGES = (
    "react",
    "react-dom",
    "scheduler",
    "react-router",
    "@react-router",
    "socket\\.io-client",
    "@emotion",
    "sonner",
    "react-helmet",
    "universal-cookie",
    "mergician",
    "react-error-boundary",
    "@radix-ui",
    "react-debounce-input",
)
SHELL_RUNTIME = ("state\\.js", "context\\.jsx", "context-registry\\.js", "helpers[\\\\/]")
# Lucide's own code and the icons of every page (the logo, the connection banner); not the other
# icons, nor Lucide's map that imports every icon on demand.
SHELL_ICONS = (
    "(createLucideIcon|Icon|defaultAttributes|context)\\.mjs",
    "shared[\\\\/]",
    "icons[\\\\/](sprout|wifi-off)\\.mjs",
)
SHELL_TEST = (
    "/[\\\\/]node_modules[\\\\/](" + "|".join(SHELL_PACKAGES) + ")[\\\\/]"
    "|[\\\\/]lucide-react[\\\\/]dist[\\\\/]esm[\\\\/](" + "|".join(SHELL_ICONS) + ")"
    "|[\\\\/]\\.web[\\\\/]utils[\\\\/](" + "|".join(SHELL_RUNTIME) + ")/"
)
SHELL_GROUP = (
    "            {\n"
    "              // mentoring_app/web/shell_chunk.py: what every page runs, in one file.\n"
    '              name: "shell",\n'
    f"              test: {SHELL_TEST},\n"
    "            },\n"
)


def add_shell_group(vite_config: str) -> str:
    """The Vite configuration with the shell group first among its code-splitting groups."""
    if SHELL_GROUP in vite_config:
        return vite_config
    if GROUPS not in vite_config:
        msg = f"{VITE_CONFIG} has no code-splitting groups any more: see mentoring_app/web/shell_chunk.py"
        raise ValueError(msg)
    return vite_config.replace(GROUPS, GROUPS + SHELL_GROUP, 1)


class ShellChunk(Plugin):
    """Puts the code every page runs in one chunk (see module doc)."""

    def pre_compile(self, **context: Any) -> None:
        context["add_modify_task"](VITE_CONFIG, add_shell_group)
