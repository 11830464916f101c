"""The code every page runs is one code-splitting group of the Vite configuration."""

from __future__ import annotations

import re

import pytest

from mentoring_app.web.shell_chunk import SHELL_GROUP, SHELL_TEST, VITE_CONFIG, ShellChunk, add_shell_group

VITE = """      output: {
        codeSplitting: {
          groups: [
            {
              test: /env.json/,
              name: "reflex-env",
            },
          ],
        },
      },"""


def test_the_shell_group_comes_first_and_once() -> None:
    config = add_shell_group(VITE)
    assert config.index('name: "shell"') < config.index('name: "reflex-env"')
    assert add_shell_group(config) == config
    with pytest.raises(ValueError, match="code-splitting groups"):
        add_shell_group("export default {};")


def test_the_plugin_modifies_the_vite_configuration() -> None:
    tasks: list[tuple[str, object]] = []
    ShellChunk().pre_compile(add_modify_task=lambda path, fn: tasks.append((path, fn)))
    assert tasks == [(VITE_CONFIG, add_shell_group)] and VITE_CONFIG == "vite.config.js"
    assert f"test: {SHELL_TEST}," in SHELL_GROUP


@pytest.mark.parametrize(
    ("module", "in_shell"),
    [
        ("/w/.web/node_modules/react-dom/cjs/react-dom-client.production.js", True),
        ("/w/.web/node_modules/react/index.js", True),
        ("/w/.web/node_modules/react-router/dist/production/index.mjs", True),
        ("/w/.web/node_modules/@radix-ui/themes/dist/esm/components/button.js", True),
        ("/w/.web/node_modules/socket.io-client/build/esm/index.js", True),
        ("/w/.web/utils/state.js", True),
        ("/w/.web/utils/helpers/upload.js", True),
        ("/w/.web/node_modules/lucide-react/dist/esm/createLucideIcon.mjs", True),
        ("/w/.web/node_modules/lucide-react/dist/esm/shared/src/utils.mjs", True),
        ("/w/.web/node_modules/lucide-react/dist/esm/icons/sprout.mjs", True),
        # Libraries only some pages use, icons and the pages' own code keep chunks of their own.
        ("/w/.web/node_modules/plotly.js-finance-dist-min/plotly-finance.min.js", False),
        ("/w/.web/node_modules/react-plotly.js/factory.js", False),
        ("/w/.web/node_modules/react-markdown/lib/index.js", False),
        ("/w/.web/node_modules/react-dropzone/dist/es/index.js", False),
        ("/w/.web/node_modules/lucide-react/dist/esm/icons/search.mjs", False),
        ("/w/.web/node_modules/lucide-react/dist/esm/icons/sprout-off.mjs", False),
        ("/w/.web/node_modules/lucide-react/dist/esm/dynamicIconImports.mjs", False),
        ("/w/.web/node_modules/lucide-react/dist/esm/DynamicIcon.mjs", False),
        ("/w/.web/app/routes/[find-mentor]._index.jsx", False),
        ("/w/.web/utils/components/Errorboundary.jsx", False),
    ],
)
def test_the_shell_holds_what_every_page_runs(module: str, in_shell: bool) -> None:
    pattern = SHELL_TEST.strip("/")  # the JavaScript literal's pattern reads the same in Python
    assert bool(re.search(pattern, module)) is in_shell
