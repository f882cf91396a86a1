"""Compile every module of an unpacked Lambda package to bytecode, with the Python that runs this file.

Run by the runtime's own Python version (here, or inside Pyodide): bytecode is specific to a
Python version, and Lambda's /var/task is read-only, so a module shipped without bytecode for
the runtime's version is compiled again on every cold start.

- The portal's own code (app.py, chalicelib/) keeps its sources, so tracebacks show the line,
  with bytecode beside them in __pycache__. The bytecode is "unchecked": Python uses it without
  comparing it with the source, whose timestamps the zip does not keep exactly.
- Libraries ship their bytecode only, in place of the source (one .pyc where the .py was).
- Without column positions (`-X no_debug_ranges`): a traceback then marks no columns under the line,
  and the bytecode is about a sixth smaller, so the zip is too and a cold start reads less.
"""

import compileall
import os
import py_compile
import sys

OWN = ("app.py", "chalicelib")


def without_columns() -> bool:
    probe = compile("a.b + c.d", "probe", "eval")
    return all(column is None for _, _, column, _ in probe.co_positions())


def compile_tree(root: str) -> None:
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name)
        own = name in OWN
        if name.endswith(".py"):
            ok: str | bool | None = py_compile.compile(
                path,
                cfile=None if own else path + "c",
                dfile=name,  # tracebacks name the file as the package does, not the build's folder
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
        elif os.path.isdir(path):
            ok = compileall.compile_dir(
                path,
                quiet=1,
                legacy=not own,
                stripdir=root,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
        else:
            continue
        if not ok:
            raise SystemExit(f"could not compile {path}")
    for directory, _, files in os.walk(root):
        for file in files:
            source = os.path.join(directory, file)
            if file.endswith(".py") and os.path.relpath(source, root).split(os.sep)[0] not in OWN:
                os.remove(source)


if __name__ == "__main__":
    if not without_columns():
        raise SystemExit("run with -X no_debug_ranges (PYTHONNODEBUGRANGES=1): see the docstring")
    compile_tree(sys.argv[1])
    print(sys.implementation.cache_tag)
