"""Apps depend only inward (core ← agencies/accounts ← catalog ← dossiers ← assistant/dashboard)."""

from congso.core.architecture import dependency_graph, violations


def test_apps_import_only_what_the_architecture_allows() -> None:
    assert violations(dependency_graph()) == []


def test_core_depends_on_no_other_app() -> None:
    assert dependency_graph()["core"] == set()
