"""Prerendered pages paint before their JavaScript is fetched (a Reflex build plugin).

Reflex prerenders every page to static HTML with its content, but React Router's ``<Scripts>``
puts ``<link rel="modulepreload">`` for the whole bundle (about 220 KB compressed, the same on every
page) in the head and boots with an inline ``<script type="module" async>``. On a slow phone
connection those scripts share the bandwidth with the page's stylesheet, so the first paint of
content that is already in the HTML waited for JavaScript it does not need (Lighthouse, mobile:
first paint 2.9 s; the same page paints in about 1 s without them).

After the production build (Reflex's ``post_build`` hook, before it compresses the output) each HTML
page is rewritten: the modulepreload links and the boot script's code move into an inert ``<script
type="text/x-reflex-boot">`` holder, and one small loader starts them right after the first frame is
painted (at once in a hidden tab, where frames do not come). It adds the preload links in one
insertion, not one by one (each insertion restyled the page: the task that starts every script
request took 45 ms on Find mentor, now 11 ms), and runs the boot code in a task of its own. The page
hydrates exactly as before, a frame later. The holder is an inline script, so the
Content-Security-Policy's hashes (web/security_headers.py, read from the built pages) allow the boot
code when the loader inserts it as a module script; the loader is the same on every page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from reflex_base.plugins.base import Plugin

MODULEPRELOAD = re.compile(r'<link rel="modulepreload" href="([^"]+)"/>')
BOOT = re.compile(r'<script type="module" async="">(.*?)</script>', re.S)
HOLDER_TYPE = "text/x-reflex-boot"
HOLDER_ID = "rx-boot"
LOADER = (
    "(function(){function boot(now){var b=document.getElementById('" + HOLDER_ID + "');"
    "if(!b||b.dataset.started)return;b.dataset.started='1';var f=document.createDocumentFragment();"
    "JSON.parse(b.dataset.preload).forEach(function(h){var l=document.createElement('link');"
    "l.rel='modulepreload';l.href=h;f.appendChild(l)});document.head.appendChild(f);"
    "function run(){var s=document.createElement('script');s.type='module';s.textContent=b.textContent;"
    "document.body.appendChild(s)}now?run():setTimeout(run,0)}"
    "if(document.visibilityState==='hidden'){boot(true)}"
    "else{requestAnimationFrame(function(){setTimeout(boot,0)})}})()"
)


def defer_boot(page: str) -> str:
    """The page with its scripts started after the first paint (unchanged if it has no boot
    script, or was rewritten already)."""
    boot = BOOT.search(page)
    if boot is None or HOLDER_TYPE in page:
        return page
    preloads = MODULEPRELOAD.findall(page)
    holder = (
        f'<script type="{HOLDER_TYPE}" id="{HOLDER_ID}" data-preload="{html.escape(json.dumps(preloads))}">'
        f"{boot.group(1)}</script><script>{LOADER}</script>"
    )
    page = page[: boot.start()] + holder + page[boot.end() :]
    return MODULEPRELOAD.sub("", page)


class PaintFirst(Plugin):
    """Rewrites the built pages so they paint before their scripts are fetched (see module doc)."""

    def post_build(self, **context: Any) -> None:
        static_dir: Path = context["static_dir"]
        for page in static_dir.rglob("*.html"):
            text = page.read_text(encoding="utf-8")
            rewritten = defer_boot(text)
            if rewritten != text:
                page.write_text(rewritten, encoding="utf-8")
