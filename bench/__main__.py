"""``python -m bench [--quick] [--only B1,B3] [--shape dense]``: Régua's benchmarks, each beside its floor.

Runs on SQLite always and on PostgreSQL too when DATABASE_URL points at a
server (in databases of its own, ``regua_bench_*``, created and dropped here).
Prints one table; the full run also writes it, with the machine, into
docs/BENCHMARKS.md. Exits non-zero only when a benchmark broke, never because
a goal was missed.
"""

import argparse
import os
import shutil
import sys
import time
from collections.abc import Sequence

from bench import databases, day, effectiveness, report, startup
from bench.generate import DEFAULT_SHAPE, SHAPES
from bench.report import Row
from bench.suite import FULL, QUICK, Bench, capabilities, failed

ALL = ("B0", "B1", "B2", "B3", "B4", "B5", "B6", "B7")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tamanhos pequenos (CI)")
    parser.add_argument(
        "--only", default=",".join(ALL), help="benchmarks a rodar, separados por vírgula"
    )
    parser.add_argument(
        "--sqlite-only", action="store_true", help="ignora o PostgreSQL de DATABASE_URL"
    )
    parser.add_argument(
        "--shape",
        choices=sorted(SHAPES),
        default=DEFAULT_SHAPE,
        help="os dados de B1/B2: "
        # argparse formats help with "%": the descriptions' percent signs are doubled.
        + "; ".join(f"{s.name}: {s.description}" for s in SHAPES.values()).replace("%", "%%"),
    )
    args = parser.parse_args(argv)
    which = {name.strip().upper() for name in args.only.split(",") if name.strip()}
    unknown = which - set(ALL)
    if unknown:
        parser.error(f"benchmark desconhecido: {', '.join(sorted(unknown))} (use {', '.join(ALL)})")
    sizes = QUICK if args.quick else FULL
    started = time.monotonic()
    load_at_start = report.load()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - started:7.1f}s] {message}", file=sys.stderr, flush=True)

    log("compiling regua/ and bench/ to bytecode (as an installation has it)")
    startup.compile_sources()
    work_dir = databases.work_dir()
    url = None if args.sqlite_only else os.environ.get("DATABASE_URL")
    rows: list[Row] = []
    engines: list[databases.Engine] = []
    versions: dict[str, str] = {}
    try:
        engines = databases.engines(work_dir, url)
        for engine in engines:
            log(f"{engine.label}: migrating the template database")
            try:
                engine.template()
            except Exception as error:  # noqa: BLE001 - every benchmark on it is then broken
                rows += [failed(name, engine, "", error) for name in sorted(which)]
                continue
            versions["SQLite" if engine.label == "sqlite" else "PostgreSQL"] = engine.version
            bench = Bench(
                sizes, capabilities(engine.template().env), work_dir, log, shape=args.shape
            )
            if "B0" in which:
                log(f"{engine.label}: B0")
                rows += bench.b0(engine)
            if which & {"B1", "B2"}:
                log(f"{engine.label}: B1/B2")
                rows += bench.b1_b2(engine, which)
            if "B3" in which:
                log(f"{engine.label}: B3")
                rows += bench.b3(engine)
                log(f"{engine.label}: B3 with latency")
                rows += bench.b3_latency(engine)
            if "B4" in which:
                log(f"{engine.label}: B4")
                rows += bench.b4(engine)
            if "B5" in which:
                log(f"{engine.label}: B5")
                rows += bench.b5(engine)
            if "B6" in which:
                log(f"{engine.label}: B6")
                rows += effectiveness.b6(bench, engine)
            if "B7" in which:
                log(f"{engine.label}: B7")
                rows += day.b7(bench, engine)
    finally:
        for engine in engines:
            try:
                engine.close()
            except Exception as error:  # noqa: BLE001 - cleaning up must not hide the results
                log(f"could not drop {engine.label}'s template: {error}")
        shutil.rmtree(work_dir, ignore_errors=True)

    order = {name: i for i, name in enumerate(ALL)}
    rows.sort(key=lambda r: (order.get(r.benchmark[:2], 9), r.database != "sqlite"))
    print(report.table(rows))
    notes = report.notes(rows)
    if notes:
        print()
        print(notes)
    print(f"\nload average at start {load_at_start}, at end {report.load()}")
    if not args.quick and which == set(ALL) and args.shape == DEFAULT_SHAPE:
        description = report.machine(versions, load_at_start)
        report.write_doc(rows, description, "make bench" + (" (SQLite only)" if not url else ""))
        log(f"wrote {report.DOC}")
    log("done")
    return 1 if any(row.status == "error" for row in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
