"""The arrows point down: a lower layer of Régua never imports a higher one.

access → audit → receivables → dunning → letters → delivery → privacy/api → web,
with ``regua.bulk`` (the bulk-SQL helpers) and ``regua.ptbr`` (Portuguese counts, money
and dates) below them all. Checked with grimp,
the import graph import-linter is built on, over the product's modules; the
tests are left out of the graph (an end-to-end test of a lower app may drive a
higher one), and nothing else is: no exceptions, no ignored imports.
"""

import grimp
import pytest
from grimp import Layer

# Highest first, as grimp wants them.
LAYERS = [
    Layer("regua.web"),
    Layer("regua.privacy", "regua.api", independent=True),
    Layer("regua.delivery"),
    Layer("regua.letters"),
    Layer("regua.dunning"),
    Layer("regua.receivables"),
    Layer("regua.audit"),
    Layer("regua.access"),
    Layer("regua.bulk", "regua.ptbr", independent=True),
]


def _is_test(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or module == "regua.test" or parts[-1] == "conftest"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    found = grimp.build_graph("regua", cache_dir=None)
    for module in [m for m in found.modules if _is_test(m)]:
        found.remove_module(module)
    return found


def _described(dependencies: set[grimp.PackageDependency]) -> list[str]:
    return sorted(
        f"{route.heads} → {route.middle} → {route.tails}".replace("frozenset", "")
        for dependency in dependencies
        for route in dependency.routes
    )


def test_no_lower_layer_imports_a_higher_one(graph):
    assert _described(graph.find_illegal_dependencies_for_layers(layers=LAYERS)) == []


def test_the_check_sees_an_import_that_points_up(graph):
    graph.add_import(
        importer="regua.dunning.models", imported="regua.delivery.outbox", line_number=1,
        line_contents="from regua.delivery import outbox",
    )  # fmt: skip
    try:
        found = graph.find_illegal_dependencies_for_layers(layers=LAYERS)
        assert any(d.importer == "regua.dunning" and d.imported == "regua.delivery" for d in found)
    finally:
        graph.remove_import(importer="regua.dunning.models", imported="regua.delivery.outbox")
