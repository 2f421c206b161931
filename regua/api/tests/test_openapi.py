import re

import pytest
from django.urls import URLPattern

from regua.api import urls
from regua.api.schema import document

pytestmark = pytest.mark.django_db


def routes() -> dict[str, set[str]]:
    """Every route of regua/api/urls.py as an OpenAPI path and its methods."""
    found = {}
    for pattern in urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        path = "/api/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        found[path] = {m.lower() for m in getattr(pattern.callback, "methods", ["GET"])}
    return found


def test_every_route_is_described_and_nothing_else():
    described = {path: set(ops) for path, ops in document()["paths"].items()}

    assert described == routes()


def test_every_path_parameter_is_described():
    for path, operations in document()["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for operation in operations.values():
            declared = {p["name"] for p in operation.get("parameters", []) if "in" in p}
            assert names <= declared, f"{path}: {names - declared}"


def test_every_reference_points_at_a_component():
    schema = document()
    text = repr(schema)
    for kind, name in re.findall(r"#/components/(\w+)/(\w+)", text):
        assert name in schema["components"][kind], f"{kind}/{name}"


def test_every_protected_operation_names_its_permission():
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            if operation.get("security") == []:
                continue
            assert re.search(r"Permissão: \w+\.\w+", operation["description"]), (path, method)
            assert {"401", "403"} <= set(operation["responses"]), (path, method)


def test_the_schema_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    body = response.json()
    assert body["openapi"] == "3.1.0"
    assert body["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
