"""A NUL byte in a page's query string is a 400 in Portuguese on every database, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/clientes/?q=LOJA%00", "/titulos/?q=%00", "/historico/exportar/csv/?cliente=%00"]
)
def test_a_nul_byte_in_a_search_is_a_bad_request(client, administrator, url):
    client.force_login(administrator)
    client.raise_request_exception = False

    response = client.get(url)

    assert response.status_code == 400
    assert "Pedido inválido" in response.content.decode()
