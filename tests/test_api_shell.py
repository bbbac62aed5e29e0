"""The API around the endpoints: OpenAPI schema, locally served docs, the JSON error shape."""

import json
import re

import pytest
import yaml

from regions.models import Department
from tests import demo_module  # noqa: F401  (the demo hierarchy, loaded once per module)

pytestmark = pytest.mark.usefixtures("demo_module")

DEPARTMENTS = "/api/v1/regions/departments/"


@pytest.mark.django_db
def test_schema_is_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    schema = json.loads(body) if body.lstrip().startswith("{") else yaml.safe_load(body)
    assert str(schema["openapi"]).startswith("3.")
    paths = schema["paths"]
    assert f"{DEPARTMENTS}{{id}}/" in paths
    assert "patch" in paths[f"{DEPARTMENTS}{{id}}/"]
    assert "delete" not in paths[f"{DEPARTMENTS}{{id}}/"]  # no deletes anywhere in the API
    assert f"{DEPARTMENTS}{{id}}/history/" in paths
    assert "/api/v1/auth/token/" in paths
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_schema_as_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def asset_urls(page: str) -> list[str]:
    """Every URL the page loads: script src, link href, img src, and URLs in inline scripts."""
    urls = re.findall(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)=[\"']([^\"']+)", page, re.I)
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", page, re.I | re.S):
        urls += re.findall(r"[\"']((?:https?:)?//[^\"']+)[\"']", script)
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_use_only_local_assets(client, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    urls = asset_urls(page)
    assert urls, "the page loads no assets?"
    remote = [u for u in urls if re.match(r"^(https?:)?//", u)]
    assert remote == [], remote
    assert any("drf_spectacular_sidecar" in u for u in urls)  # served from our static files
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page and "googleapis" not in page


@pytest.mark.django_db
def test_docs_point_at_the_schema(client):
    # Swagger UI's split view: the page loads its init script from ?script (no inline script
    # under the CSP), and that script names the schema.
    page = client.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script=">' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    assert "/api/schema/" in script.content.decode()
    assert "/api/schema/" in client.get("/api/redoc/").content.decode()


@pytest.mark.django_db
def test_validation_error_shape(personas, api_for):
    department = Department.objects.get(code="341824-FGW")
    client = api_for(personas["office"])
    for payload, field in (({"name": ""}, "name"), ({"name": "长" * 65}, "name"), ({"is_active": "maybe"}, "is_active")):
        response = client.patch(f"{DEPARTMENTS}{department.pk}/", payload, format="json")
        assert response.status_code == 400, payload
        assert response["Content-Type"].startswith("application/json")
        error = response.json()["error"]
        assert error["code"] == "invalid"
        assert error["message"]
        assert list(error["fields"]) == [field]
        assert all(isinstance(m, str) and m for m in error["fields"][field])
    department.refresh_from_db()
    assert department.name == "发改委"


@pytest.mark.django_db
def test_model_validation_error_is_400_not_500(personas, api_for):
    """A rule only the model knows (unique name within a division) comes back as a 400."""
    department = Department.objects.get(code="341824-FGW")
    response = api_for(personas["office"]).patch(f"{DEPARTMENTS}{department.pk}/", {"name": "财政局"}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["fields"]
    department.refresh_from_db()
    assert department.name == "发改委"


@pytest.mark.django_db
def test_malformed_json_is_400(personas, api_for):
    department = Department.objects.get(code="341824-FGW")
    response = api_for(personas["office"]).patch(
        f"{DEPARTMENTS}{department.pk}/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


@pytest.mark.django_db
def test_unknown_api_url_is_404(personas, api_for):
    response = api_for(personas["office"]).get(f"{DEPARTMENTS}999999999/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": response.json()["error"]["message"]}}
