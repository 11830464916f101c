"""JavaScript each page makes the browser download, measured in a real browser (Chromium).

Bytes are what travelled over the wire (``responseBodySize``: gzipped when the server compressed),
summed over every script response from a fresh, empty cache, until the page settled (network idle;
Reflex's websocket does not count). Used by ``make lighthouse`` to report page weight beside the
Lighthouse scores, and by tests/e2e/test_page_weight.py to keep Plotly off member pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page, Request

SETTLE_MS = 15_000


@dataclass
class PageScripts:
    """The scripts one page load fetched: URL to bytes transferred."""

    path: str
    scripts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.scripts.values())

    def matching(self, needle: str) -> dict[str, int]:
        """Scripts whose URL contains ``needle`` (e.g. ``plotly``)."""
        return {url: size for url, size in self.scripts.items() if needle in url}


def record_scripts(page: Page, url: str, path: str, *, ready: str | None = None) -> PageScripts:
    """Load ``url`` in ``page`` and return the scripts it fetched. ``ready`` is a CSS selector to
    wait for before waiting for the network to go idle (content loaded by a later event, such as
    the admin charts, fetches its code only then)."""
    found = PageScripts(path)

    def finished(request: Request) -> None:
        if request.resource_type == "script":
            found.scripts[request.url] = request.sizes()["responseBodySize"]

    page.on("requestfinished", finished)
    try:
        page.goto(url, wait_until="load")
        if ready:
            page.wait_for_selector(ready, timeout=SETTLE_MS)
        page.wait_for_load_state("networkidle", timeout=SETTLE_MS)
    finally:
        page.remove_listener("requestfinished", finished)
    return found


def measure(
    browser: Browser,
    base_url: str,
    paths: list[str],
    *,
    cookie: tuple[str, str] | None = None,
    ready: dict[str, str] | None = None,
) -> list[PageScripts]:
    """Each path in a fresh browser context (empty cache), with ``cookie`` (name, value) if given."""
    results = []
    for path in paths:
        context = browser.new_context()
        if cookie:
            context.add_cookies([{"name": cookie[0], "value": cookie[1], "url": base_url}])
        try:
            page = context.new_page()
            results.append(record_scripts(page, base_url + path, path, ready=(ready or {}).get(path)))
        finally:
            context.close()
    return results
