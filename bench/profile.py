"""Profile one benchmark's Régua part with pyinstrument, on the benchmark's own data::

    python -m bench.profile dry-run            # regua run --dry-run --json (B1)
    python -m bench.profile run                # regua run --no-wait (B1)
    python -m bench.profile render             # render_notice, e-mails and letters (B2)
    python -m bench.profile worker             # regua worker --until-done (B3)
    python -m bench.profile import             # regua import receivables (B5)

Full sizes unless ``--quick`` or ``--receivables N``; SQLite unless
``--postgres`` (then on the server DATABASE_URL names). Writes the text
profile to ``--out`` (default /tmp/regua-profile-WHAT-ENGINE.txt) and prints
the time and memory of the profiled command.
"""

import argparse
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from bench import databases
from bench.process import PYTHON, measure
from bench.sink import Sink
from bench.suite import FULL, QUICK, REFERENCE_DATE

WHAT = ("dry-run", "run", "render", "worker", "import")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("what", choices=WHAT)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--receivables", type=int, help="quantos títulos (ou linhas do CSV)")
    parser.add_argument("--postgres", action="store_true", help="no PostgreSQL de DATABASE_URL")
    parser.add_argument("--out", help="arquivo do perfil (texto)")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    work_dir = databases.work_dir()
    url = os.environ.get("DATABASE_URL") if args.postgres else None
    if args.postgres and not url:
        parser.error("--postgres precisa de DATABASE_URL apontando para o servidor")
    engine = databases.engines(work_dir, url)[-1]
    out = Path(args.out or f"/tmp/regua-profile-{args.what}-{engine.label}.txt")  # noqa: S108
    timeout = sizes.timeout * 3

    def step(argv: list[object], db: databases.BenchDatabase) -> None:
        result = measure([str(a) for a in argv], db.env, timeout=timeout).check()
        print(f"  {' '.join(str(a) for a in argv[2:])}: {result.seconds:.1f} s", file=sys.stderr)

    def profiled(target: list[str], db: databases.BenchDatabase) -> None:
        argv = [PYTHON, "-m", "pyinstrument", "-r", "text", "--show-all", "-o", str(out), *target]
        result = measure(argv, db.env, timeout=timeout, stdout_path=Path("/dev/null"))
        print(
            f"{' '.join(target)}: {result.seconds:.1f} s, {result.peak_mb:.0f} MB "
            f"(under the profiler), exit status {result.returncode}; profile in {out}"
        )
        if result.returncode != 0:
            print("\n".join(result.stderr.strip().splitlines()[-5:]), file=sys.stderr)

    def dataset(
        db: databases.BenchDatabase, customers: int, receivables: int, *extra: object
    ) -> None:
        step(
            [PYTHON, "-m", "bench.generate", "dataset", "--customers", customers]
            + ["--receivables", receivables, "--date", REFERENCE_DATE, *extra],
            db,
        )

    try:
        db = engine.database("profile")
        run = ["-m", "regua", "run", "--date", REFERENCE_DATE]
        if args.what in ("dry-run", "run", "render"):
            n = args.receivables or sizes.b1_receivables
            dataset(db, max(n // 5, 1), n)
            if args.what == "dry-run":
                profiled([*run, "--dry-run", "--json"], db)
            elif args.what == "run":
                profiled([*run, "--no-wait"], db)
            else:
                step([PYTHON, "-m", "bench.workloads", "run", "--date", REFERENCE_DATE], db)
                profiled(
                    ["-m", "bench.workloads", "render", "--emails", str(sizes.b2_emails)]
                    + ["--letters", str(sizes.b2_letters)],
                    db,
                )
        elif args.what == "worker":
            n = args.receivables or sizes.b3_notices
            with Sink() as sink:
                dataset(db, n, n, "--one-per-customer", "--all-with-email", "--days", "5:10")
                step([PYTHON, "-m", "bench.workloads", "email-settings", "--port", sink.port], db)
                step([PYTHON, "-m", "bench.workloads", "run", "--date", REFERENCE_DATE], db)
                profiled(["-m", "regua", "worker", "--until-done"], db)
        else:
            n = args.receivables or sizes.b5_rows
            customers = max(n // 5, 1)
            dataset(db, customers, 0)
            path = work_dir / "titulos.csv"
            step(
                [PYTHON, "-m", "bench.generate", "csv", path, "--customers", customers]
                + ["--receivables", n, "--date", REFERENCE_DATE],
                db,
            )
            profiled(["-m", "regua", "import", "receivables", str(path)], db)
        db.drop()
    finally:
        engine.close()
        shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
