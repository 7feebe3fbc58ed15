"""The dependency rules between the apps, read from the code's own imports.

Used by ``manage.py show_dependencies`` (which draws docs/architecture.md's picture) and by a test
that fails when an app imports one it must not.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

APPS = [
    "core",
    "agencies",
    "accounts",
    "catalog",
    "dossiers",
    "documents",
    "assistant",
    "dashboard",
    "portal",
]

#: What each app may import (dependencies point inward; documents is independent of dossiers).
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "agencies": {"core"},
    "accounts": {"core", "agencies"},
    "catalog": {"core", "agencies", "accounts"},
    "dossiers": {"core", "agencies", "accounts", "catalog"},
    "documents": {"core", "agencies", "accounts"},
    "assistant": {"core", "agencies", "accounts", "catalog", "dossiers"},
    "dashboard": {"core", "agencies", "accounts", "catalog", "dossiers"},
    "portal": {"core", "agencies", "accounts", "catalog"},
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "congso" and parts[1] in APPS:
                found.add(parts[1])
    return found


def dependency_graph(root: Path | None = None) -> dict[str, set[str]]:
    """App → apps it imports, excluding its tests and migrations."""
    root = root or Path(__file__).resolve().parent.parent
    graph: dict[str, set[str]] = defaultdict(set)
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            rel = path.relative_to(root / app).parts
            if rel[0] in {"tests", "migrations"} or path.name == "demo.py":
                continue
            graph[app] |= _imported_apps(path) - {app}
    return {app: graph.get(app, set()) for app in APPS}


def violations(graph: dict[str, set[str]]) -> list[str]:
    return [
        "%s imports %s" % (app, dep)
        for app, deps in graph.items()
        for dep in sorted(deps - ALLOWED[app])
    ]


def mermaid(graph: dict[str, set[str]]) -> str:
    lines = ["graph LR"]
    for app in APPS:
        for dep in sorted(graph[app]):
            lines.append("    %s --> %s" % (app, dep))
    return "\n".join(lines)
