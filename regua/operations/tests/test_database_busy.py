"""On SQLite, a request that cannot get the write lock in time answers 503, writing nothing."""

import sqlite3

import pytest
from django.db import connection


@pytest.fixture
def short_busy_timeout():
    if connection.vendor != "sqlite":
        pytest.skip("the write lock is SQLite's")
    options = connection.settings_dict["OPTIONS"]
    before = options.get("timeout")
    connection.close()
    options["timeout"] = 0.2
    yield
    connection.close()
    options["timeout"] = before


@pytest.mark.django_db(transaction=True)
def test_a_write_that_cannot_get_the_lock_answers_503_with_a_message(client, short_busy_timeout):
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process is writing
        response = client.post("/entrar/", {"username": "ana", "password": "errada"})
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert response.status_code == 503
    assert "Outra operação está gravando, tente de novo." in response.content.decode()
    assert response["Retry-After"] == "5"
