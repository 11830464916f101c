// Radix Themes' component styles for the components this app renders, and no others.
// Written into .web by mentoring_app/web/lean_bundle.py; run by PostCSS after postcss-import has
// inlined the stylesheet's imports. The components the compiled app imports from
// "@radix-ui/themes", and every Radix Themes module they import in turn, name the component
// classes (rt-Button, rt-BaseButton, ...) that can appear on a page. A selector that names any
// other component class is dropped from components.css; utility and variant classes
// (rt-r-size-2, rt-variant-soft) are not component classes and stay.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const WEB = path.dirname(fileURLToPath(import.meta.url));
const COMPONENTS_DIR = path.join(WEB, "node_modules/@radix-ui/themes/dist/esm/components");
const COMPONENTS_CSS = /[\\/]@radix-ui[\\/]themes[\\/]components\.css$/;
// Folders of .web that hold no compiled app code.
const NOT_COMPILED = new Set(["node_modules", "build", "public", "backend"]);
const COMPONENT_CLASS = /\brt-[A-Z][A-Za-z]*/g;
const THEMES_IMPORT = /import\s*\{([^}]*)\}\s*from\s*["']@radix-ui\/themes["']/g;
const RELATIVE_IMPORT = /(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g;

function* sources(dir) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(file);
    else if (/\.(jsx?|tsx?)$/.test(entry.name)) yield file;
  }
}

/** The names the compiled app imports from "@radix-ui/themes" (Button, TextField, ...). */
export function importedComponents(web = WEB) {
  const names = new Set();
  const compiled = fs.readdirSync(web, { withFileTypes: true }).filter(
    (entry) => entry.isDirectory() && !entry.name.startsWith(".") && !NOT_COMPILED.has(entry.name),
  );
  for (const dir of compiled)
    for (const file of sources(path.join(web, dir.name)))
      for (const match of fs.readFileSync(file, "utf8").matchAll(THEMES_IMPORT))
        for (const spec of match[1].split(","))
          if (spec.trim()) names.add(spec.trim().split(/\s+as\s+/)[0]);
  return names;
}

/** The component classes those components and their Radix Themes imports name, or null when that
 * cannot be known: no component found, a name without a module of its own, a module not on disk.
 * Null keeps every rule. */
export function usedComponentClasses(names, componentsDir = COMPONENTS_DIR) {
  if (names.size === 0) return null;
  const classes = new Set();
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return true;
    seen.add(file);
    if (!fs.existsSync(file)) return false;
    const code = fs.readFileSync(file, "utf8");
    for (const name of code.match(COMPONENT_CLASS) ?? []) classes.add(name);
    for (const match of code.matchAll(RELATIVE_IMPORT))
      if (!visit(path.resolve(path.dirname(file), match[1]))) return false;
    return true;
  };
  for (const name of names) {
    const file = path.join(componentsDir, name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase() + ".js");
    if (!visit(file)) return null;
  }
  return classes;
}

export default function radixUsedComponents() {
  return {
    postcssPlugin: "radix-themes-used-components",
    OnceExit(root) {
      let used;
      root.walkRules((rule) => {
        if (!COMPONENTS_CSS.test(rule.source?.input?.file ?? "")) return;
        used ??= usedComponentClasses(importedComponents());
        if (used === null) return;
        const kept = rule.selectors.filter((s) => (s.match(COMPONENT_CLASS) ?? []).every((c) => used.has(c)));
        if (kept.length === 0) rule.remove();
        else if (kept.length < rule.selectors.length) rule.selectors = kept;
      });
      // At-rules of components.css left empty, innermost first (a parent empties after its child).
      const atRules = [];
      root.walkAtRules((atRule) => {
        if (atRule.nodes && COMPONENTS_CSS.test(atRule.source?.input?.file ?? "")) atRules.push(atRule);
      });
      for (const atRule of atRules.reverse()) if (atRule.nodes.length === 0) atRule.remove();
    },
  };
}
radixUsedComponents.postcss = true;
