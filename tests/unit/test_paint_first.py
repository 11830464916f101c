"""The built pages start their scripts after the first paint, with the same boot code."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from mentoring_app.web.paint_first import HOLDER_ID, LOADER, PaintFirst, defer_boot
from mentoring_app.web.security_headers import inline_script_hashes, script_hash

BOOT_CODE = 'import "/assets/manifest-1.js";\nimport("/assets/entry.client-2.js");'
PAGE = (
    '<html><head><link rel="modulepreload" href="/assets/manifest-1.js"/>'
    '<link rel="modulepreload" href="/assets/entry.client-2.js"/><link rel="stylesheet" href="/a.css"/>'
    "</head><body><h1>Log in</h1>"
    f'<script type="module" async="">{BOOT_CODE}</script></body></html>'
)


def test_preloads_and_boot_code_wait_for_the_loader() -> None:
    page = defer_boot(PAGE)
    assert '<link rel="modulepreload"' not in page and 'type="module"' not in page
    assert "<h1>Log in</h1>" in page and 'rel="stylesheet"' in page
    holder = re.search(
        r'<script type="text/x-reflex-boot" id="(.+?)" data-preload="(.+?)">(.*?)</script>',
        page,
        re.S,
    )
    assert holder and holder.group(1) == HOLDER_ID
    assert json.loads(unescape(holder.group(2))) == ["/assets/manifest-1.js", "/assets/entry.client-2.js"]
    assert holder.group(3) == BOOT_CODE
    assert f"<script>{LOADER}</script>" in page
    assert defer_boot(page) == page  # a second build step changes nothing


def test_the_policy_allows_the_boot_code_and_the_loader(tmp_path: Path) -> None:
    (tmp_path / "login.html").write_text(PAGE)
    PaintFirst().post_build(static_dir=tmp_path)
    hashes = inline_script_hashes(tmp_path)
    assert script_hash(BOOT_CODE) in hashes  # what the loader inserts as a module script
    assert script_hash(LOADER) in hashes


def test_pages_without_a_boot_script_are_left_alone() -> None:
    assert defer_boot("<html><body>plain</body></html>") == "<html><body>plain</body></html>"
