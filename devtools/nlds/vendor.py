"""Vendor NL Design System's CSS into chalicelib/static/nlds.css (`make vendor-css`).

The portal's look is NL Design System's: the Utrecht community components (`html.css` styles plain,
semantic HTML under the `utrecht-html` class; page header, footer, navigation bar and alert are BEM
components) and the design tokens those need, taken from NL Design System's example theme
("voorbeeld"). The tokens that carry a brand (every token whose value names one of the example's
own colours, and the fonts) are not copied: the network's theme defines them, in one file,
chalicelib/static/theme.css, and this script fails when that file leaves one open.

The files are vendored, checked in, rather than built on every machine, so that `make run` and the
Lambda package need Python only; npm is needed only to refresh them. Run after changing a version in
package.json (then `npm install --package-lock-only` there) or when the portal's CSS uses new tokens.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODULES = HERE / "node_modules"
STATIC = HERE.parent.parent / "chalicelib" / "static"
TARGET = STATIC / "nlds.css"
LICENCES = STATIC / "nlds-licences"
THEME_SCOPE = ".portal-theme"

# (package, file) in the order they cascade: elements first, then the components that refine them
COMPONENTS = (
    ("@utrecht/component-library-css", "dist/html.css"),
    ("@utrecht/page-header-css", "dist/index.css"),
    ("@utrecht/page-footer-css", "dist/index.css"),
    ("@utrecht/nav-bar-css", "dist/index.css"),
    ("@utrecht/alert-css", "dist/index.css"),
    ("@utrecht/button-css", "dist/index.css"),
)
TOKENS = ("@nl-design-system-unstable/voorbeeld-design-tokens", "dist/theme.css")
# the example theme's own palette (and its fonts, named by value): never copied, the network's theme says them
BRAND = re.compile(r"var\(--voorbeeld-")
VAR = re.compile(r"var\((--[a-zA-Z0-9_-]+)")
# a string (kept as it is) or a comment (dropped), whichever starts first
STRING_OR_COMMENT = re.compile(r"""("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')|/\*.*?\*/""", re.DOTALL)
DECLARATION = re.compile(r"^\s*(--[a-zA-Z0-9_-]+):\s*(.*?);", re.MULTILINE)


def version(package: str) -> str:
    return str(json.loads((MODULES / package / "package.json").read_text())["version"])


def definitions(css: str) -> dict[str, str]:
    """The custom properties of a token file's first (theme-wide) rule."""
    body = css[css.index("{") + 1 : css.index("}")]
    return {name: value for name, value in DECLARATION.findall(body)}


def needed(css: str, tokens: dict[str, str], theme: dict[str, str]) -> tuple[dict[str, str], set[str]]:
    """The tokens the CSS uses, with every token their values use; and those the theme must set."""
    wanted = set(VAR.findall(css)) | {ref for value in theme.values() for ref in VAR.findall(value)}
    copied: dict[str, str] = {}
    brand: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in copied or name in brand or name not in tokens:
            continue  # tokens of neither file have a fallback where they are used, or are optional
        value = tokens[name]
        if name in theme or BRAND.search(value) or ("font-family" in name and "var(" not in value):
            brand.add(name)
            continue
        copied[name] = value
        wanted |= set(VAR.findall(value))
    return copied, brand


def minified(css: str) -> str:
    """Without comments and with the least whitespace, its strings as they are. The packages, their
    versions and licence are named in the file's header and in nlds-licences/."""
    strings: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return " "
        strings.append(match.group(1))
        return f"\x00{len(strings) - 1}\x00"

    text = re.sub(r"\s+", " ", STRING_OR_COMMENT.sub(set_aside, css))
    text = re.sub(r"\s*([{};,>])\s*", r"\1", text).replace(";}", "}").strip()
    return re.sub("\x00(\\d+)\x00", lambda m: strings[int(m.group(1))], text)


def main() -> int:
    if not MODULES.is_dir():
        print("run `npm ci` in devtools/nlds first (make vendor-css does)", file=sys.stderr)
        return 1
    parts = [(package, (MODULES / package / file).read_text(encoding="utf-8")) for package, file in COMPONENTS]
    components = "\n".join(re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css) for _, css in parts)
    theme = definitions((STATIC / "theme.css").read_text(encoding="utf-8"))
    own = (STATIC / "portal.css").read_text(encoding="utf-8")
    tokens, brand = needed(components + own, definitions((MODULES / TOKENS[0] / TOKENS[1]).read_text()), theme)
    missing = sorted(brand - set(theme))
    if missing:
        print("chalicelib/static/theme.css must define:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    sources = [*(package for package, _ in COMPONENTS), TOKENS[0]]
    header = "\n".join(f" * {package} {version(package)}" for package in sources)
    declarations = "\n".join(f"  {name}: {value};" for name, value in sorted(tokens.items()))
    TARGET.write_text(
        "/*\n * NL Design System, copied by `make vendor-css` (devtools/nlds/vendor.py); do not edit.\n"
        f"{header}\n * Licence: EUPL-1.2 (nlds-licences/). The brand's tokens are in theme.css.\n */\n"
        + minified(f"{THEME_SCOPE} {{{declarations}}}{components}")
        + "\n",
        encoding="utf-8",
    )
    shutil.rmtree(LICENCES, ignore_errors=True)
    LICENCES.mkdir()
    for package in sources:  # one copy per licence: all of them are EUPL-1.2, word for word
        meta = json.loads((MODULES / package / "package.json").read_text())
        text = (MODULES / package / "LICENSE.md").read_text(encoding="utf-8")
        copy = LICENCES / f"{meta['license']}.md"
        if copy.exists() and copy.read_text(encoding="utf-8") != text:
            print(f"{package}: another text under the name {meta['license']}", file=sys.stderr)
            return 1
        copy.write_text(text, encoding="utf-8")
    print(f"{TARGET.relative_to(HERE.parent.parent)}: {len(tokens)} tokens, {TARGET.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
