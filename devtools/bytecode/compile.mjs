// Runs compile_tree.py inside Pyodide's CPython on a directory of this machine:
// node compile.mjs <directory>. It prints the cache tag of the Python that compiled.
import { readFileSync } from "node:fs";
import { loadPyodide } from "pyodide";

const [directory] = process.argv.slice(2);
// without column positions, as compile_tree.py asks (`python -X no_debug_ranges` elsewhere)
const python = await loadPyodide({ env: { PYTHONNODEBUGRANGES: "1" } });
python.FS.mkdir("/package");
python.FS.mount(python.FS.filesystems.NODEFS, { root: directory }, "/package");
python.runPython('import sys; sys.argv = ["compile_tree.py", "/package"]');
python.runPython(readFileSync(new URL("compile_tree.py", import.meta.url), "utf8"));
