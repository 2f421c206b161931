import pytest

from regua.receivables.models import CollectionType, Receivable
from regua.receivables.tests.helpers import load_branches, run
from regua.test import make_customer

pytestmark = pytest.mark.django_db

HEADER = "branch;document;installment;customer;due_date;amount;collection\n"


@pytest.fixture(autouse=True)
def loaded():
    load_branches()
    make_customer("C1")


def test_an_unknown_collection_code_on_a_titulo_is_created_dunnable_with_a_warning():
    result = run(
        "receivables", HEADER + "1;A;1;C1;10/11/2026;1,00;pix\n1;B;1;C1;10/11/2026;1,00;PIX\n"
    )
    assert result.ok
    created = CollectionType.objects.get(code="PIX")
    assert created.dunnable
    assert [str(w) for w in result.warnings] == [
        "linha 2, coluna collection, valor 'PIX': tipo de cobrança novo, cadastrado como cobrável"
    ]
    assert set(Receivable.objects.values_list("collection__code", flat=True)) == {"PIX"}


def test_a_never_dunned_winthor_code_is_never_created_dunnable():
    CollectionType.objects.filter(code__in=["DEVT", "BNFX"]).delete()
    run("receivables", HEADER + "1;A;1;C1;10/11/2026;1,00;DEVT\n1;B;1;C1;10/11/2026;1,00;BNFX\n")
    assert not CollectionType.objects.get(code="DEVT").dunnable
    assert not CollectionType.objects.get(code="BNFX").dunnable


def test_an_empty_collection_cell_clears_the_collection():
    run("receivables", HEADER + "1;A;1;C1;10/11/2026;1,00;BK\n")
    run("receivables", HEADER + "1;A;1;C1;10/11/2026;1,00;\n")
    assert Receivable.objects.get(document="A").collection is None


def test_the_collection_types_import_keeps_never_dunned_codes_not_dunnable():
    result = run(
        "collection-types",
        "CODCOB;COBRANCA\nDESD;DESDOBRAMENTO\nBNFT;BONIFICAÇÃO\nNOVO;NOVO TIPO\n",
    )
    assert result.ok
    assert dict(
        CollectionType.objects.filter(code__in=["DESD", "BNFT", "NOVO"]).values_list(
            "code", "dunnable"
        )
    ) == {
        "DESD": False,
        "BNFT": False,
        "NOVO": True,
    }


def test_dunnable_can_be_set_by_the_file():
    run("collection-types", "code;dunnable\nC;N\nDESD;S\n")
    assert not CollectionType.objects.get(code="C").dunnable
    assert CollectionType.objects.get(code="DESD").dunnable


def test_a_titulo_with_an_unknown_customer_creates_no_collection_type():
    result = run("receivables", HEADER + "1;A;1;NOBODY;10/11/2026;1,00;ZZ\n", skip_invalid=True)
    assert result.rejected_count == 1
    assert not CollectionType.objects.filter(code="ZZ").exists()
