"""The build step that keeps only the used Radix components' CSS, run by Node on a small .web tree.

It finds the components the compiled app imports, follows their Radix Themes modules to the
component classes they name, and drops components.css selectors naming any other component class.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from mentoring_app.web.lean_bundle import PRUNE_SOURCE, PRUNE_STEP

COMPONENTS = "node_modules/@radix-ui/themes/dist/esm/components"
# A stand-in for PostCSS's tree: the rules and at-rules the step walks, from components.css or not.
RUN = """
import step, { importedComponents } from "./%s";
const CSS = "/any/node_modules/@radix-ui/themes/components.css";
const source = (file) => ({ input: { file } });
const rule = (selectors, file = CSS) => ({ selectors, source: source(file) });
const media = { nodes: [rule([".rt-SelectTrigger:hover"])], source: source(CSS) };
const supports = { nodes: [media], source: source(CSS) };  // empties once media goes
const mine = { nodes: [], source: source("/app/styles/mine.css") };  // the app's own, left alone
const nodes = [
  rule([".rt-Button", ".rt-SelectTrigger"]),
  rule([".rt-BaseButton.rt-variant-soft"]),
  rule([".rt-SelectContent .rt-Button"]),
  rule([".rt-r-size-2", ".rt-reset:where(a)"]),
  rule([".rt-SelectItem"], "/app/styles/mine.css"),
];
const without = (list, item) => () => list.splice(list.indexOf(item), 1);
const atRules = [supports, media, mine];  // document order: parents first
const root = {
  walkRules(fn) {
    for (const n of [...nodes]) fn(Object.assign(n, { remove: without(nodes, n) }));
    for (const n of [...media.nodes]) fn(Object.assign(n, { remove: without(media.nodes, n) }));
  },
  walkAtRules(fn) {
    for (const a of [...atRules]) fn(Object.assign(a, { remove() {
      atRules.splice(atRules.indexOf(a), 1);
      if (a === media) supports.nodes.splice(0, 1);
    } }));
  },
};
step().OnceExit(root);
console.log(JSON.stringify({
  imported: [...importedComponents()].sort(),
  kept: nodes.map((n) => n.selectors),
  atRules: atRules.length,
}));
"""


def _web(tmp_path: Path, *, imports: str | None) -> Path:
    web = tmp_path / "web"
    (web / COMPONENTS / "_internal").mkdir(parents=True)
    (web / "app" / "routes").mkdir(parents=True)
    shutil.copy(PRUNE_SOURCE, web / PRUNE_STEP)
    page = f'import {{{imports}}} from "@radix-ui/themes"\n' if imports else "export default 1\n"
    (web / "app" / "routes" / "page.jsx").write_text(page)
    (web / "build").mkdir()  # the build output is not compiled app code
    (web / "build" / "x.js").write_text('import {Select} from "@radix-ui/themes"\n')
    parts = web / COMPONENTS
    (parts / "button.js").write_text(
        'import{BaseButton as p}from"./_internal/base-button.js";const c=s("rt-Button",e);'
    )
    (parts / "_internal" / "base-button.js").write_text('const b=s("rt-BaseButton",`rt-variant-${v}`);')
    (parts / "card.js").write_text('const c="rt-Card";')
    (parts / "select.js").write_text('const t="rt-SelectTrigger",i="rt-SelectItem";')
    return web


def _run(web: Path) -> dict:
    node = shutil.which("node")
    assert node, "Node is needed to build the frontend and to run this test"
    (web / "run.mjs").write_text(RUN % PRUNE_STEP)
    done = subprocess.run([node, "run.mjs"], cwd=web, capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_only_the_imported_components_keep_their_rules(tmp_path: Path) -> None:
    result = _run(_web(tmp_path, imports="Button as RadixThemesButton, Card"))
    assert result["imported"] == ["Button", "Card"]
    assert result["kept"] == [
        [".rt-Button"],  # the Select selector of the same rule goes
        [".rt-BaseButton.rt-variant-soft"],  # Button's own module imports BaseButton
        [".rt-r-size-2", ".rt-reset:where(a)"],  # utilities and resets are not component classes
        [".rt-SelectItem"],  # the app's own stylesheets are left alone
    ]
    assert result["atRules"] == 1  # components.css's at-rules left empty go, the app's own stays


def _kept_everything(result: dict) -> bool:
    return len(result["kept"]) == 5 and result["atRules"] == 3


def test_a_name_without_a_module_of_its_own_keeps_everything(tmp_path: Path) -> None:
    assert _kept_everything(_run(_web(tmp_path, imports="Button, themePropDefs")))


def test_no_component_found_keeps_everything(tmp_path: Path) -> None:
    """Compiled code moved where the step does not look must not cost every component its styles."""
    result = _run(_web(tmp_path, imports=None))
    assert result["imported"] == [] and _kept_everything(result)


def test_a_module_not_on_disk_keeps_everything(tmp_path: Path) -> None:
    web = _web(tmp_path, imports="Button")
    (web / COMPONENTS / "_internal" / "base-button.js").unlink()
    assert _kept_everything(_run(web))
