"""Small assertions every app's API tests share: walking a cursor-paginated list and checking a
refusal's JSON error body (``{"error": {"code", "message", ...}}``, core/api/exceptions.py)."""

from __future__ import annotations


def collect(client, url: str) -> list[dict]:
    """Every row of a cursor-paginated list, following ``next``."""
    rows = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        url = body["next"]
    return rows


def assert_error(response, status: int | tuple[int, ...], code: str | None = None) -> dict:
    """A refusal: the status and a JSON body {"error": {"code", "message", ...}}; returns the error."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.content
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code, error
    return error
