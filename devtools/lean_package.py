"""`make package`, after `chalice package`: a Lambda zip that starts fast and carries only what runs.

Lambda's /var/task is read-only, so Python compiles every module (and Jinja2 every template)
that arrives without bytecode again on each cold start. This step rewrites deployment.zip:

- leaves out what the portal never imports: dnspython (email-validator imports it only to check
  deliverability, which the portal switches off), dateutil's own zone tarball (zoneinfo reads the
  tzdata package), the libraries' tests, type stubs, package metadata (.dist-info: nothing reads
  it at run time) and any __pycache__ built for the Python of the machine that packaged;
- compiles every template into a Python module, which `core.rendering` loads with a ModuleLoader;
- strips the symbols from compiled extensions;
- compiles all Python to bytecode for the runtime's version, read from the template, without
  column positions (devtools/bytecode/compile_tree.py says how and why). When this machine's Python is another version,
  Pyodide's CPython of the runtime's version compiles it (node and npm, see devtools/bytecode).

Usage: python -m devtools.lean_package build/package [--python 3.11]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BYTECODE = ROOT / "devtools" / "bytecode"
# the Python that Pyodide's pinned release (devtools/bytecode/package.json) carries
PYODIDE_PYTHON = "3.12"
COMPILED_TEMPLATES = "compiled_templates"

LEFT_OUT = re.compile(
    r"""^(
        dns/                              # dnspython
      | dateutil/zoneinfo/[^/]+\.tar\.gz  # dateutil's copy of the zone database
      | templates/                        # replaced by their compiled modules
      | [^/]+\.dist-info/
      | [^/]+\.data/
      | (?!chalicelib/)[^/]+/(.+/)?tests/ # libraries' own tests
    )
    | (^|/)__pycache__/
    | \.pyi$
    | (^|/)py\.typed$
    """,
    re.VERBOSE,
)


def runtime_python(package: Path) -> str:
    """The one Python version every function of the packaged template runs on, as "3.12"."""
    resources = json.loads((package / "sam.json").read_text())["Resources"]
    runtimes: set[str] = {
        r["Properties"]["Runtime"] for r in resources.values() if r["Type"] == "AWS::Serverless::Function"
    }
    if len(runtimes) != 1:
        raise SystemExit(f"the functions run on several runtimes: {sorted(runtimes)}")
    return runtimes.pop().removeprefix("python")


def compile_templates(target: Path) -> None:
    # the same environment the portal renders with, so the compiled code behaves the same
    from chalicelib.core.rendering import environment

    environment("nl").compile_templates(str(target), zip=None, ignore_errors=False)


def strip_extensions(tree: Path) -> None:
    if shutil.which("strip") is None:
        raise SystemExit("packaging needs strip (Debian's binutils)")
    for library in tree.rglob("*.so"):
        subprocess.run(["strip", "--strip-unneeded", str(library)], check=True)


def compile_bytecode(tree: Path, python: str) -> str:
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if python == here:
        command = [sys.executable, "-X", "no_debug_ranges", str(BYTECODE / "compile_tree.py"), str(tree)]
    elif python == PYODIDE_PYTHON:
        if not (BYTECODE / "node_modules" / "pyodide").is_dir():
            subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=BYTECODE, check=True)
        command = ["node", str(BYTECODE / "compile.mjs"), str(tree)]
    else:
        raise SystemExit(f"no Python {python} to compile with: this machine has {here}, Pyodide {PYODIDE_PYTHON}")
    tag = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()[-1]
    if tag != f"cpython-{python.replace('.', '')}":
        raise SystemExit(f"compiled by {tag}, not Python {python}")
    return tag


def rezip(tree: Path, archive: Path) -> None:
    """Files in a fixed order with a fixed time, so the same sources give the same zip."""
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(tree).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = 0o100644 << 16  # readable by the runtime's user
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, path.read_bytes(), compresslevel=9)


def build(package: Path, python: str) -> None:
    archive = package / "deployment.zip"
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch)
        with zipfile.ZipFile(archive) as original:
            for name in original.namelist():
                if not LEFT_OUT.search(name):
                    original.extract(name, tree)
        compile_templates(tree / COMPILED_TEMPLATES)
        strip_extensions(tree)
        compile_bytecode(tree, python)
        rezip(tree, archive)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("package", type=Path, help="the folder chalice package wrote")
    parser.add_argument("--python", help="compile for this Python version (default: the template's runtime)")
    arguments = parser.parse_args()
    before = (arguments.package / "deployment.zip").stat().st_size
    build(arguments.package, arguments.python or runtime_python(arguments.package))
    after = (arguments.package / "deployment.zip").stat().st_size
    print(f"deployment.zip: {before / 1e6:.2f} MB as chalice packaged it, {after / 1e6:.2f} MB lean")


if __name__ == "__main__":
    main()
