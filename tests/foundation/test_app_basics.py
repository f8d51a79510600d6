"""Settings validation, health probes and request ids."""

from __future__ import annotations

import pytest

from backend.settings import Settings, SettingsError


def test_production_requires_secret_key():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"DOMOVOY_ENV": "production", "DATABASE_URL": "postgresql://db/domovoy"})
    assert "SECRET_KEY is missing" in str(error.value)


def test_short_secret_key_rejected():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"SECRET_KEY": "short"})
    assert "too short" in str(error.value)


def test_invalid_port_names_variable():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"DOMOVOY_PORT": "eighty"})
    assert "DOMOVOY_PORT" in str(error.value)


def test_database_url_scheme_checked():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({"DATABASE_URL": "mysql://root:secret@db/x"})
    assert "DATABASE_URL" in str(error.value)
    assert "secret" not in str(error.value), "the password must be masked"


def test_development_secret_is_stable(tmp_path):
    first = Settings.from_env({"DOMOVOY_DATA_DIR": str(tmp_path)}).with_development_secret()
    second = Settings.from_env({"DOMOVOY_DATA_DIR": str(tmp_path)}).with_development_secret()
    assert first.secret_key == second.secret_key
    assert len(first.secret_key) >= 32


@pytest.mark.asyncio
async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] == "ok"


@pytest.mark.asyncio
async def test_request_id_echoed(client):
    response = await client.get("/healthz", headers={"x-request-id": "abc-123"})
    assert response.headers["x-request-id"] == "abc-123"
    generated = await client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32


@pytest.mark.asyncio
async def test_unknown_page_is_russian(client):
    response = await client.get("/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "Страница не найдена" in response.text


@pytest.mark.asyncio
async def test_api_docs_served_locally(client):
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text
    assert (await client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js")).status_code == 200
