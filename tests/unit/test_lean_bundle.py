"""The app root no longer imports all of Radix Themes for dynamic components (the app has none)."""

from __future__ import annotations

from mentoring_app.web.lean_bundle import APP_ROOT, LeanBundle, drop_dynamic_radix

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
    assert tasks == [(APP_ROOT, drop_dynamic_radix)]
    assert APP_ROOT == "app/root.jsx"
