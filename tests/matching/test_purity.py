"""matching/ stays pure: no ORM, GraphQL, cache or web imports, and everything is documented."""

import ast
import subprocess
import sys
from pathlib import Path

MATCHING = Path(__file__).resolve().parents[2] / "matching"
FORBIDDEN = {"tortoise", "strawberry", "aiocache", "models", "resolvers", "graphql_api", "starlette"}


def _modules() -> list[Path]:
    """Every Python file of the matching package."""
    files = sorted(MATCHING.rglob("*.py"))
    assert files, f"no modules found under {MATCHING}"
    return files


def _imported_roots(tree: ast.AST) -> set[str]:
    """Top-level names of every module imported anywhere in ``tree`` (also inside functions)."""
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_matching_imports_no_service_layers():
    offenders = {
        path.name: sorted(_imported_roots(ast.parse(path.read_text("utf-8"))) & FORBIDDEN) for path in _modules()
    }
    assert {name: bad for name, bad in offenders.items() if bad} == {}


def test_purity_check_catches_a_forbidden_import():
    tree = ast.parse("def f():\n    from tortoise import fields\nimport strawberry.types\n")
    assert _imported_roots(tree) & FORBIDDEN == {"tortoise", "strawberry"}


def test_every_module_class_and_public_function_has_a_docstring():
    missing = []
    for path in _modules():
        tree = ast.parse(path.read_text("utf-8"))
        if ast.get_docstring(tree) is None:
            missing.append(path.name)
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            public = isinstance(node, ast.ClassDef) or not node.name.startswith("_")
            if public and ast.get_docstring(node) is None:
                missing.append(f"{path.name}:{node.lineno} {node.name}")
    assert missing == []


def test_modules_stay_small():
    sizes = {path.name: len(path.read_text("utf-8").splitlines()) for path in _modules()}
    assert {name: n for name, n in sizes.items() if n >= 300} == {}


def test_scipy_is_imported_only_when_a_batch_is_solved():
    """Ranking needs no SciPy (about 40 MB): importing the engine and the matching services leaves it out."""
    code = "import sys, matching, resolvers.matching, resolvers.match_assign; print('scipy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=MATCHING.parent)
    assert done.stdout.strip() == "False"
