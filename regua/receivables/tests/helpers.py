"""Small helpers for the import tests: build files, run imports, compare the database."""

import csv
import io
from pathlib import Path
from typing import Any

from regua.receivables.importing import ImportResult, import_file
from regua.receivables.models import Branch, CollectionType, Customer, Receivable

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
CORPUS = HERE / "corpus"

BRANCHES_CSV = (
    "code;legal_name;trade_name;cnpj;city;state\n"
    "1;DISTRIBUIDORA EXEMPLO LTDA;Exemplo Matriz;11.222.333/0001-81;São Paulo;SP\n"
    "2;DISTRIBUIDORA EXEMPLO LTDA;Exemplo Filial;11.222.333/0002-62;Campinas;SP\n"
)

RECEIVABLE_HEADER = ["branch", "document", "installment", "customer", "due_date", "amount"]


def csv_bytes(
    header: list[str], rows: list[list[Any]], sep: str = ";", encoding: str = "utf-8"
) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def run(kind: str, data: bytes | str | Path, **options: Any) -> ImportResult:
    """Import ``data`` (bytes, text taken as UTF-8, or a file) as ``kind``."""
    if isinstance(data, Path):
        with open(data, "rb") as f:
            return import_file(
                kind, f, filename=data.name, user=options.pop("user", "teste"), **options
            )
    raw = data.encode("utf-8") if isinstance(data, str) else data
    filename = options.pop("filename", f"{kind}.csv")
    return import_file(
        kind, io.BytesIO(raw), filename=filename, user=options.pop("user", "teste"), **options
    )


def load_branches() -> ImportResult:
    result = run("branches", BRANCHES_CSV)
    assert result.ok, result.errors
    return result


def load_winthor() -> None:
    load_branches()
    for kind, name in (
        ("collection-types", "PCCOB.csv"),
        ("customers", "PCCLIENT.csv"),
        ("receivables", "PCPREST.csv"),
    ):
        result = run(kind, DATA / "winthor" / name)
        assert result.ok, result.errors


def load_canonical() -> None:
    load_branches()
    for kind in ("collection-types", "customers", "receivables"):
        result = run(kind, DATA / "canonical" / f"{kind}.csv")
        assert result.ok, result.errors


def database() -> dict[str, list[tuple[Any, ...]]]:
    """Everything the imports can touch, in a comparable form."""

    def rows(model: Any, exclude: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
        names = [
            f.attname for f in model._meta.concrete_fields if f.attname not in ("id", *exclude)
        ]
        return sorted(model.objects.values_list(*names))

    return {
        "branches": rows(Branch),
        "collections": rows(CollectionType),
        "customers": rows(Customer),
        "receivables": rows(Receivable, exclude=("updated_at",)),
    }


def messages(result: ImportResult) -> str:
    return "\n".join(str(e) for e in result.errors)
