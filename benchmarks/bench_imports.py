"""Print the package-level import graph of `cancer_alliance`: upward edges, cycles, local imports.

Why: the layers must point one way (docs/explanation/architecture.md); the import-linter
contract in pyproject.toml enforces it in the test suite, this script prints the figures
(how many edges point up, which packages form cycles, how many function-local imports of the
project's own modules remain) so a reshaping can be measured before and after.
Run: `python benchmarks/bench_imports.py`.
"""

from __future__ import annotations

import ast
import pathlib
from itertools import combinations

import grimp

# Lowest first. Packages in one tuple are peers (neither may import the other).
LAYERS: list[tuple[str, ...]] = [
    ("errors",),
    ("dataset",),
    ("reference",),
    ("store",),
    ("auth", "calendar"),
    ("generate", "ingest"),
    ("stats",),
    ("metrics", "lake"),
    ("published", "outlook"),
    ("operations",),
    ("charts",),
    ("reports",),
    ("jobs",),
    ("web",),
    ("commands",),
    ("cli",),
]


def _level(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    for i, group in enumerate(LAYERS):
        if parts[1] in group:
            return i
    return None


def main() -> None:
    graph = grimp.build_graph("cancer_alliance", cache_dir=None)
    top = sorted({m.split(".")[1] for m in graph.modules if m.count(".") >= 1})
    edges: dict[tuple[str, str], int] = {}
    upward = []
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = importer.split(".")[1:2], imported.split(".")[1:2]
            if not a or not b or a == b:
                continue
            edges[(a[0], b[0])] = edges.get((a[0], b[0]), 0) + 1
            la, lb = _level(importer), _level(imported)
            if la is not None and lb is not None and lb >= la:
                upward.append((importer, imported))
    cycles = [(a, b) for a, b in combinations(top, 2) if (a, b) in edges and (b, a) in edges]
    print(f"modules: {len(graph.modules)}; package edges: {len(edges)}")
    print(f"upward or sideways module imports: {len(upward)}")
    for importer, imported in sorted(upward):
        print(f"  {importer} -> {imported}")
    print(f"package cycles: {len(cycles)}")
    for a, b in cycles:
        print(f"  {a} <-> {b}")
    # Module-level cycles inside one package (e.g. compute <-> survival).
    module_cycles = []
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if importer < imported and importer in graph.find_modules_directly_imported_by(
                imported
            ):
                module_cycles.append((importer, imported))
    print(f"module two-way imports: {len(module_cycles)}")
    for a, b in module_cycles:
        print(f"  {a} <-> {b}")
    local = 0
    root = pathlib.Path(__file__).resolve().parents[1] / "cancer_alliance"
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (
                        node.level > 0 or (node.module or "").startswith("cancer_alliance")
                    ) or isinstance(node, ast.Import) and any(
                        a.name.startswith("cancer_alliance") for a in node.names
                    ):
                        local += 1
    print(f"function-local imports of the project's own modules: {local}")


if __name__ == "__main__":
    main()
