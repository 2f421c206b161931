"""A batch read a column at a time gives the same values and messages as row by row."""

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from regua.receivables.importing import engine
from regua.receivables.importing.files import open_table
from regua.receivables.importing.result import ImportResult
from regua.receivables.tests.helpers import csv_bytes

HEADER = [
    "branch",
    "document",
    "installment",
    "customer",
    "issue_date",
    "due_date",
    "amount",
    "paid_amount",
    "collection",
    "our_number",
    "blocked",
]
cells = st.one_of(
    st.sampled_from(["1", "C1", "", " ", "BK", "desd", "S", "N", "sim", "talvez", "'=1", "0,00"]),
    st.from_regex(r"\d{1,2}/\d{1,2}/\d{4}", fullmatch=True),
    st.from_regex(r"\d{1,13}(,\d{1,3})?", fullmatch=True),
    st.text(st.characters(codec="utf-8", blacklist_characters="\x00"), max_size=35),
)
good_row = [
    "1",
    "000000001",
    "1",
    "C1",
    "13/11/2025",
    "12/01/2026",
    "1679,12",
    "0,00",
    "bk",
    "1",
    "",
]


def both_ways(rows: list[list[str]]) -> tuple[list[tuple], list[tuple]]:
    table = open_table(io.BytesIO(csv_bytes(HEADER, [good_row, *rows])), "t.csv")
    result = ImportResult(kind="receivables")
    mapped = engine.map_header("receivables", table.header, result)
    run = engine._Run(table, mapped, loader=_NoLoader(result))  # type: ignore[arg-type]
    raw = [item for item in run.rows() if not isinstance(item, engine.Row)]
    by_column = run.parse_batch(raw)
    by_row = [run.parse(number, cells) for number, cells in raw]

    def seen(parsed: list[engine.Row]) -> list[tuple]:
        return [(r.number, r.values, [str(e) for e in r.errors]) for r in parsed]

    return seen(by_column), seen(by_row)


class _NoLoader:
    def __init__(self, result: ImportResult) -> None:
        self.result = result


def test_a_clean_batch_reads_the_same_both_ways():
    by_column, by_row = both_ways([good_row] * 5)
    assert by_column == by_row
    assert by_column[0][1]["collection"] == "BK"
    assert by_column[0][1]["do_not_dun"] is False


def test_a_bad_cell_is_reported_once_with_its_row_and_column():
    bad = [*good_row[:6], "12,345", *good_row[7:]]
    by_column, by_row = both_ways([good_row, bad, good_row])
    assert by_column == by_row
    assert by_column[2][2] == ["linha 4, coluna amount, valor '12,345': mais de 2 casas decimais"]
    assert "amount" not in by_column[2][1]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(cells, min_size=len(HEADER), max_size=len(HEADER)), max_size=6))
def test_any_batch_reads_the_same_both_ways(rows):
    by_column, by_row = both_ways(rows)
    assert by_column == by_row
