"""Which responses may be cached for a year, and which paths are served without a redirect."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentoring_app.web.caching import IMMUTABLE, PRIVATE_REVALIDATE, REVALIDATE, cache_policy
from mentoring_app.web.page_paths import page_folders


@pytest.mark.parametrize(
    "path",
    [
        "/assets/entry.client-BfeRvdMD.js",
        "/assets/_relationships_.__relationship_id_._index-6DIxCoZp.js",
        "/assets/wifi-off-CaPfkni_.js",
        "/assets/manifest-acf2b755.js",
        "/assets/__reflex_global_styles-Ap75fkGf.css",
    ],
)
def test_hashed_build_assets_are_immutable(path: str) -> None:
    assert cache_policy(path, 200) == IMMUTABLE
    assert cache_policy(path, 304) == IMMUTABLE


@pytest.mark.parametrize(
    "path", ["/", "/login/", "/login", "/favicon.ico", "/print.css", "/assets/logo.svg", "/ping"]
)
def test_pages_and_unhashed_files_revalidate(path: str) -> None:
    assert cache_policy(path, 200) == REVALIDATE


def test_errors_are_never_immutable_and_uploads_are_private() -> None:
    assert cache_policy("/assets/entry.client-BfeRvdMD.js", 404) == REVALIDATE
    assert cache_policy("/_upload/photo-abc.jpg", 200) == PRIVATE_REVALIDATE


def test_page_folders_are_the_prerendered_pages(tmp_path: Path) -> None:
    for folder in ("login", "admin/members", "assets"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "index.html").write_text("landing")
    (tmp_path / "login" / "index.html").write_text("login")
    (tmp_path / "admin" / "members" / "index.html").write_text("members")
    (tmp_path / "assets" / "entry-abcdefgh.js").write_text("")
    assert page_folders(tmp_path) == {"/login", "/admin/members"}
    assert page_folders(tmp_path / "missing") == frozenset()
