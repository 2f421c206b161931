"""The benchmarks B0–B5, each beside its floor measured in the same run on the same data.

Régua's side always runs as the real console script (``.venv/bin/regua``) or,
for rendering, as a child that calls the function, so wall time and peak
memory are those of the real thing. A benchmark whose part of Régua has not
landed yet gets a "não disponível" row; one that breaks gets a "falhou" row and
the run's exit status says so.
"""

import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import floors, startup
from bench.databases import BenchDatabase, Engine
from bench.generate import DEFAULT_SHAPE, SHAPES
from bench.process import PYTHON, REGUA, CommandFailed, Measured, measure, measure_together
from bench.report import Row, count, per_second
from bench.sink import Sink

# A Monday: fixed, so the same arguments always give the same títulos in the same ranges.
REFERENCE_DATE = "2026-03-02"
MB_SELECTION = 400
MB_IMPORT = 300
# Issue 18's limits: a run within twice what the machine needs at least.
LIMIT_RATIO = 2
MB_LIMIT = 300
SENT = "SELECT count(*) FROM dunning_notice WHERE status = 'sent'"
PENDING = "SELECT count(*) FROM dunning_notice WHERE status = 'pending'"
UNDELIVERED = "SELECT count(*) FROM dunning_notice WHERE status IN ('pending', 'sending', 'retry')"


@dataclass(frozen=True)
class Sizes:
    b1_customers: int
    b1_receivables: int
    b2_emails: int
    b2_letters: int
    b3_notices: int
    # B3 under a provider's latency: one worker, then two workers (issue 18: 10,000; 0: not run).
    b3_latency_notices: tuple[int, int]
    b4_customers: int
    b4_receivables: int
    b5_customers: int
    b5_rows: int
    timeout: float  # seconds any one command may take
    startup_repeat: int = 10  # B0: each command this many times, the fastest counts


QUICK = Sizes(
    4_000,
    20_000,
    200,
    20,
    200,
    (100, 0),
    400,
    2_000,
    4_000,
    20_000,
    timeout=300,
    startup_repeat=3,
)
FULL = Sizes(
    200_000,
    1_000_000,
    5_000,
    200,
    5_000,
    (2_000, 10_000),
    20_000,
    100_000,
    200_000,
    1_000_000,
    timeout=3_600,
)
# What a provider nearby takes to answer each SMTP command, in B3's latency rows.
LATENCY_MS = 25
# SMTP connections per worker in B3 (REGUA_SMTP_CONNECTIONS; Régua's default).
CONNECTIONS = 4


@dataclass
class Capabilities:
    """Which of Régua's parts exist in this working tree."""

    commands: set[str] = field(default_factory=set)
    options: dict[str, str] = field(default_factory=dict)  # command -> its --help
    functions: dict[str, bool] = field(default_factory=dict)

    def has(self, command: str, *flags: str) -> bool:
        return command in self.commands and all(f in self.options.get(command, "") for f in flags)


def capabilities(env: dict[str, str]) -> Capabilities:
    caps = Capabilities()
    listed = measure([REGUA, "help", "--commands"], env, timeout=120)
    if listed.returncode == 0:
        caps.commands = {line.strip() for line in listed.stdout.splitlines() if line.strip()}
    for command in ("run", "import", "worker"):
        if command in caps.commands:
            caps.options[command] = measure([REGUA, command, "--help"], env, timeout=120).stdout
    probe = measure([PYTHON, "-m", "bench.workloads", "probe"], env, timeout=120)
    if probe.returncode == 0:
        caps.functions = probe.json()
    return caps


@dataclass
class Bench:
    sizes: Sizes
    caps: Capabilities
    work_dir: Path
    log: Callable[[str], None]
    csv_files: dict[tuple[int, int], Path] = field(default_factory=dict)
    shape: str = DEFAULT_SHAPE  # B1/B2's data (bench.generate.SHAPES)
    # B1's read floor (issue 7's, no JSON) by engine, for the real run's limit.
    read_floors: dict[str, float] = field(default_factory=dict)

    # --- helpers -------------------------------------------------------------

    def run(self, argv: list[Any], db: BenchDatabase, **kw: Any) -> Measured:
        argv = [str(a) for a in argv]
        self.log(
            f"  [{db.engine}] {' '.join(Path(argv[0]).name if i == 0 else a for i, a in enumerate(argv))}"
        )
        result = measure(argv, db.env, timeout=self.sizes.timeout, **kw).check()
        self.log(f"      {result.seconds:.2f} s, {result.peak_mb:.0f} MB")
        return result

    def py(self, module: str, *args: Any, db: BenchDatabase) -> dict[str, Any]:
        return self.run([PYTHON, "-m", module, *args], db).json()

    def regua(self, *args: Any, db: BenchDatabase, quiet: bool = True) -> Measured:
        return self.run([REGUA, *args], db, stdout_path=Path("/dev/null") if quiet else None)

    def dataset(self, db: BenchDatabase, customers: int, receivables: int, *extra: Any) -> None:
        self.py(
            "bench.generate",
            "dataset",
            "--customers",
            customers,
            "--receivables",
            receivables,
            "--date",
            REFERENCE_DATE,
            *extra,
            db=db,
        )

    def csv_file(self, customers: int, rows: int, db: BenchDatabase) -> Path:
        key = (customers, rows)
        if key not in self.csv_files:
            path = self.work_dir / f"titulos-{customers}-{rows}.csv"
            self.py(
                "bench.generate",
                "csv",
                path,
                "--customers",
                customers,
                "--receivables",
                rows,
                "--date",
                REFERENCE_DATE,
                db=db,
            )
            self.csv_files[key] = path
        return self.csv_files[key]

    def scalar(self, db: BenchDatabase, query: str) -> int:
        """One number from the bench database, through the bare driver."""
        conn, _ = floors.connect(db.url)
        try:
            cursor = conn.cursor()
            cursor.execute(query)
            row = cursor.fetchone()
            return int(row[0]) if row and row[0] is not None else 0
        finally:
            conn.close()

    def workers(self, db: BenchDatabase, n: int) -> tuple[float, float]:
        """Wall seconds and peak MB of ``n`` ``regua worker --until-done`` at once."""
        argv = [REGUA, "worker", "--until-done"]
        self.log(f"  [{db.engine}] {n} × regua worker --until-done ({CONNECTIONS} conn. each)")
        env = {**db.env, "REGUA_SMTP_CONNECTIONS": str(CONNECTIONS)}
        seconds, results = measure_together([argv] * n, env, timeout=self.sizes.timeout)
        for result in results:
            result.check()
        peak = max(r.peak_mb for r in results)
        self.log(f"      {seconds:.2f} s, {peak:.0f} MB")
        return seconds, peak

    # --- B0: starting a command ------------------------------------------------------

    def b0(self, engine: Engine) -> list[Row]:
        env = engine.template().env
        repeat = self.sizes.startup_repeat
        size = f"best of {repeat}"
        try:
            floor, _ = startup.best_of(startup.FLOOR, env, repeat, timeout=120)
            setup, _ = startup.best_of(startup.DJANGO_SETUP, env, repeat, timeout=120)
        except Exception as error:  # noqa: BLE001 - a broken benchmark becomes a "falhou" row
            return [failed("B0 start", engine, size, error)]
        self.log(f"  [{engine.label}] python -c pass {floor:.3f} s, django.setup() {setup:.3f} s")
        missing = startup.without_bytecode()
        rows = []
        for label, argv, what in startup.COMMANDS:

            def one(label: str = label, argv: tuple[str, ...] = argv, what: str = what) -> Row:
                seconds, peak = startup.best_of(argv, env, repeat, timeout=120)
                self.log(f"  [{engine.label}] {label}: {seconds:.3f} s")
                row = Row(
                    f"B0 start: {label}",
                    engine.label,
                    size,
                    seconds,
                    f"{seconds * 1000:,.0f} ms",
                    f"{floor * 1000:,.0f} ms (python -c pass)",
                    f"{seconds / floor:.1f}× floor time",
                    peak,
                    "—",
                    None,
                )
                row.notes.append(what)
                if label == "regua check":
                    row.notes.append(
                        f"django.setup() alone (settings, every app and model): {setup * 1000:,.0f} ms"
                    )
                if missing:
                    row.notes.append(
                        f"no bytecode for {', '.join(missing)}: every start compiles them"
                        " (`make install` compiles the dependencies')"
                    )
                return row

            rows.append(guarded(f"B0 start: {label}", engine, size, one))
        return rows

    # --- B1 and B2: one database of a million títulos ---------------------------

    def b1_b2(self, engine: Engine, which: set[str]) -> list[Row]:
        s = self.sizes
        size = count(s.b1_receivables, "títulos")
        rows: list[Row] = []
        b1 = "B1" in which
        if not self.caps.has("run", "--dry-run", "--no-wait"):
            if b1:
                rows += [
                    unavailable("B1 dry run", engine, size),
                    unavailable("B1 real run", engine, size),
                ]
            if "B2" in which:
                rows += self.b2_unavailable(engine)
            return rows
        db = engine.database("b1")
        try:
            self.dataset(db, s.b1_customers, s.b1_receivables, "--shape", self.shape)
            open_count = self.scalar(
                db,
                "SELECT count(*) FROM receivables_receivable"
                " WHERE cancelled = false AND settled = false AND amount > paid_amount",
            )
            if b1:
                rows += self.b1(engine, db, open_count)
            else:
                self.py("bench.workloads", "run", "--date", REFERENCE_DATE, db=db)
            if "B2" in which:
                rows += self.b2(engine, db)
        finally:
            db.drop()
        return rows

    def b1(self, engine: Engine, db: BenchDatabase, open_count: int) -> list[Row]:
        size = count(open_count, "títulos")
        if self.shape != DEFAULT_SHAPE:
            size += f", {self.shape} shape"
        dry: list[Row] = []
        try:
            dry = self._b1_dry(engine, db, open_count, size)
        except Exception as error:  # noqa: BLE001 - a broken benchmark becomes a "falhou" row
            traceback.print_exc()
            dry = [failed("B1 dry run", engine, size, error)]
        try:
            return [*dry, *self._b1_real(engine, db, open_count, size)]
        except Exception as error:  # noqa: BLE001 - a broken benchmark becomes a "falhou" row
            traceback.print_exc()
            return [*dry, failed("B1 real run", engine, size, error)]

    def _b1_dry(self, engine: Engine, db: BenchDatabase, open_count: int, size: str) -> list[Row]:
        result = self.regua("run", "--dry-run", "--json", "--date", REFERENCE_DATE, db=db)
        floor = self.py("bench.floors", "read", "--date", REFERENCE_DATE, db=db)
        self.read_floors[engine.label] = floor["seconds"]
        row = self._b1_dry_row(engine, open_count, size, result, floor)
        if self.shape != DEFAULT_SHAPE:
            row.notes.append(f"data: {SHAPES[self.shape].description}")
        # Issue 18's limit: the same read with the addresses, and the same JSON written.
        limit = self.py("bench.floors", "read", "--date", REFERENCE_DATE, "--json", db=db)
        ratio = result.seconds / limit["seconds"]
        within = Row(
            "B1 dry run, limit",
            engine.label,
            size,
            result.seconds,
            per_second(open_count, result.seconds, "títulos"),
            f"{limit['seconds']:.2f} s (read {limit['read_seconds']:.2f} s"
            f" + JSON {limit['json_seconds']:.2f} s)",
            f"{ratio:.1f}× floor time",
            result.peak_mb,
            f"≤ {LIMIT_RATIO}× floor, < {MB_LIMIT} MB",
            ratio <= LIMIT_RATIO and result.peak_mb < MB_LIMIT,
        )
        within.notes.append(
            f"floor includes the JSON: {limit['rows']:,} rows read with the customers' addresses,"
            f" then {limit['notices']:,} notices written as `--dry-run --json` writes them"
            " (json.dumps, to /dev/null), every título an item, nothing decided"
        )
        return [row, within]

    def _b1_dry_row(
        self,
        engine: Engine,
        open_count: int,
        size: str,
        result: Measured,
        floor: dict[str, Any],
    ) -> Row:
        ratio = result.seconds / floor["seconds"]
        return Row(
            "B1 dry run",
            engine.label,
            size,
            result.seconds,
            per_second(open_count, result.seconds, "títulos"),
            f"{floor['seconds']:.2f} s (read {floor['rows']:,} rows)",
            f"{ratio:.1f}× floor time",
            result.peak_mb,
            f"< 10 s, ≤ 5× floor, < {MB_SELECTION} MB",
            result.seconds < 10 and ratio <= 5 and result.peak_mb < MB_SELECTION,
        )

    def _b1_real(self, engine: Engine, db: BenchDatabase, open_count: int, size: str) -> list[Row]:
        # A copy from before the run: if the command breaks after recording, the
        # function can still be measured on the same data.
        before = engine.snapshot(db, "b1_before_run")
        try:
            command = measure(
                [REGUA, "run", "--no-wait", "--date", REFERENCE_DATE],
                db.env,
                timeout=self.sizes.timeout,
                stdout_path=Path("/dev/null"),
            )
            self.log(f"  [{db.engine}] regua run --no-wait: {command.seconds:.2f} s")
            rows = []
            if command.returncode == 0:
                seconds, peak, measured_on = command.seconds, command.peak_mb, db
                name = "B1 real run"
            else:
                rows.append(failed("B1 real run", engine, size, command_error(command)))
                function = self.run(
                    [PYTHON, "-m", "bench.workloads", "run", "--date", REFERENCE_DATE], before
                )
                seconds, peak, measured_on = function.seconds, function.peak_mb, before
                name = "B1 real run (execute_run)"
            notices = self.scalar(measured_on, "SELECT count(*) FROM dunning_notice")
            items = self.scalar(measured_on, "SELECT count(*) FROM dunning_noticeitem")
            floor = self.py(
                "bench.floors", "insert-select", "--rows", notices + items, db=measured_on
            )
            written = self.py("bench.floors", "write", db=measured_on)
            # Once, for the note: how much of the write floor is checking the foreign keys.
            unkeyed = self.py("bench.floors", "write", "--no-keys", "--repeat", 1, db=measured_on)
        finally:
            before.drop()
        ratio = seconds / floor["seconds"]
        row = Row(
            name,
            engine.label,
            size,
            seconds,
            per_second(open_count, seconds, "títulos"),
            f"{floor['seconds']:.2f} s (INSERT … SELECT {floor['rows']:,} rows)",
            f"{ratio:.1f}× floor time",
            peak,
            f"≤ 3× floor, < {MB_SELECTION} MB",
            ratio <= 3 and peak < MB_SELECTION,
        )
        row.notes.append(f"wrote {notices:,} notices and {items:,} items")
        if name != "B1 real run":
            row.notes.append(
                "`regua run` broke (row above), so this is execute_run then dispatch(pending, 'queue')"
                " in a child of its own, on a copy of the data from before the run"
            )
        rows.append(row)
        read = self.read_floors.get(engine.label)
        if read is not None:
            limit = read + written["seconds"]
            ratio = seconds / limit
            within = Row(
                name.replace("B1 real run", "B1 real run, limit", 1),
                engine.label,
                size,
                seconds,
                per_second(open_count, seconds, "títulos"),
                f"{limit:.2f} s (read {read:.2f} s + write {written['seconds']:.2f} s)",
                f"{ratio:.1f}× floor time",
                peak,
                f"≤ {LIMIT_RATIO}× floor, < {MB_LIMIT} MB",
                ratio <= LIMIT_RATIO and peak < MB_LIMIT,
            )
            within.notes.append(
                f"write: INSERT … SELECT of the {written['rows']:,} notice and item rows the run"
                " wrote into copies of their tables (same indexes and constraints, keys checked);"
                " no JSON on either side (the command writes its text report to /dev/null);"
                f" without the foreign keys the write takes {unkeyed['seconds']:.2f} s"
            )
            rows.append(within)
        return rows

    def b2_unavailable(self, engine: Engine) -> list[Row]:
        s = self.sizes
        return [
            unavailable("B2 e-mails", engine, count(s.b2_emails, "notices")),
            unavailable("B2 PDF letters", engine, count(s.b2_letters, "letters")),
        ]

    def b2(self, engine: Engine, db: BenchDatabase) -> list[Row]:
        s = self.sizes
        if not self.caps.functions.get("render_notice"):
            return self.b2_unavailable(engine)
        try:
            result = self.run(
                [
                    PYTHON,
                    "-m",
                    "bench.workloads",
                    "render",
                    "--emails",
                    s.b2_emails,
                    "--letters",
                    s.b2_letters,
                ],
                db,
            )
            data = result.json()
        except Exception as error:  # noqa: BLE001 - reported in the row
            return [
                failed("B2 e-mails", engine, "", error),
                failed("B2 PDF letters", engine, "", error),
            ]
        rows = []
        if data.get("emails"):
            rate = data["emails"] / data["email_seconds"]
            row = Row(
                "B2 e-mails",
                engine.label,
                count(data["emails"], "notices"),
                data["email_seconds"],
                f"{rate:,.0f} e-mails/s",
                "—",
                "—",
                result.peak_mb,
                "≥ 500/s on one core",
                rate >= 500,
            )
            if not data.get("email_has_pix"):
                row.notes.append("the rendered HTML carries no PIX QR image")
            rows.append(row)
        else:
            rows.append(unavailable("B2 e-mails", engine, "no pending e-mail notice"))
        if data.get("letters") and data.get("weasyprint_seconds"):
            rate = data["letters"] / data["letter_seconds"]
            floor_rate = data["weasyprint_letters"] / data["weasyprint_seconds"]
            rows.append(
                Row(
                    "B2 PDF letters",
                    engine.label,
                    count(data["letters"], "letters"),
                    data["letter_seconds"],
                    f"{rate:,.1f} letters/s",
                    f"{floor_rate:,.1f} letters/s (WeasyPrint)",
                    f"{rate / floor_rate:.2f}× floor rate",
                    result.peak_mb,
                    "≥ 0.8× WeasyPrint",
                    rate / floor_rate >= 0.8,
                )
            )
        else:
            row = unavailable("B2 PDF letters", engine, count(s.b2_letters, "letters"))
            row.notes.append(data.get("letters_unavailable") or "no letter HTML to compare with")
            rows.append(row)
        return rows

    # --- B3: delivery ----------------------------------------------------------------

    def delivery_ready(self) -> bool:
        return bool(
            self.caps.has("run", "--no-wait")
            and self.caps.has("worker", "--until-done")
            and self.caps.functions.get("notice_message")
            and self.caps.functions.get("email_settings")
        )

    def delivery_dataset(self, db: BenchDatabase, n: int, sink: Sink) -> None:
        """``n`` customers with one título each in a range, e-mail pointed at the sink."""
        self.dataset(
            db,
            n,
            n,
            "--one-per-customer",
            "--all-with-email",
            "--days",
            "5:10",
            "--smtp-port",
            sink.port,
        )

    def b3(self, engine: Engine) -> list[Row]:
        n = self.sizes.b3_notices
        size = count(n, "notices")
        ready = self.delivery_ready()
        names = ["B3 delivery, 1 worker"]
        if engine.label == "postgresql":
            names += ["B3 delivery, 2 workers", "B3 delivery, 4 workers"]
        if not ready:
            return [unavailable(name, engine, size) for name in names]
        db = engine.database("b3")
        rows: list[Row] = []
        rates: list[tuple[float, float]] = []  # (notices/s, smtplib msg/s) of each round
        try:
            with Sink() as sink:
                self.delivery_dataset(db, n, sink)
                for k, name in zip((1, 2, 4), names, strict=False):

                    def round_(k: int = k, name: str = name) -> Row:
                        return self._b3_round(engine, db, sink, k, name, rates)

                    row = guarded(name, engine, size, round_)
                    rows.append(row)
                    if row.status != "ok":
                        break
        finally:
            db.drop()
        return rows

    def _b3_round(
        self,
        engine: Engine,
        db: BenchDatabase,
        sink: Sink,
        k: int,
        name: str,
        rates: list[tuple[float, float]],
    ) -> Row:
        n = self.sizes.b3_notices
        if k > 1:
            # New títulos for the same customers: the next round has notices of its own.
            self.py(
                "bench.generate",
                "more",
                "--receivables",
                n,
                "--days",
                "5:10",
                "--date",
                REFERENCE_DATE,
                db=db,
            )
        sent_before = self.scalar(db, SENT)
        # Setup, not measured: the function, so a broken report cannot stop delivery's figure.
        self.py("bench.workloads", "run", "--date", REFERENCE_DATE, db=db)
        pending = self.scalar(db, PENDING)
        floor_seconds, floor_rate = self.smtplib_floor(engine, db, sink, pending, k)
        seconds, peak = self.workers(db, k)
        sent = self.scalar(db, SENT) - sent_before
        rate = sent / seconds
        ratio = rate / floor_rate
        met = ratio >= 0.7
        goal = "≥ 0.7× smtplib"
        if rates:
            previous_rate, previous_floor = rates[-1]
            goal += "; faster than with fewer workers unless the sink is the limit"
            met = met and (rate > previous_rate or floor_rate <= previous_floor * 1.1)
        rates.append((rate, floor_rate))
        row = Row(
            name,
            engine.label,
            count(pending, "notices"),
            seconds,
            f"{rate:,.0f} notices/s",
            f"{floor_rate:,.0f} msg/s (smtplib, {k} conn.)",
            f"{ratio:.2f}× floor rate",
            peak,
            goal,
            met,
        )
        if sent != pending:
            row.notes.append(f"{pending - sent} of {pending} notices were not sent")
        return row

    def smtplib_floor(
        self, engine: Engine, db: BenchDatabase, sink: Sink, pending: int, k: int
    ) -> tuple[float, float]:
        """The pending notices' messages, pre-built, over k smtplib connections at once.

        Wall seconds and messages per second: the floor of delivering them.
        """
        out = self.work_dir / f"messages-{engine.label}-{k}"
        self.py(
            "bench.workloads", "messages", "--count", pending, "--out", out, "--parts", k, db=db
        )
        self.log(f"  [{db.engine}] {k} × smtplib")
        floor_seconds, floor_results = measure_together(
            [
                [PYTHON, "-m", "bench.floors", "smtp", "--messages", f"{out}.{part}"]
                + ["--port", str(sink.port)]
                for part in range(k)
            ],
            db.env,
            timeout=self.sizes.timeout,
        )
        sent_by_floor = sum(r.check().json()["messages"] for r in floor_results)
        floor_rate = sent_by_floor / floor_seconds
        self.log(f"      {floor_seconds:.2f} s, {floor_rate:,.0f} msg/s")
        return floor_seconds, floor_rate

    # --- B3 under a provider's latency -------------------------------------------------

    def b3_latency(self, engine: Engine) -> list[Row]:
        """Delivery to a sink that answers each SMTP command after LATENCY seconds."""
        one, two = self.sizes.b3_latency_notices
        rounds = [
            (f"B3 {LATENCY_MS} ms latency, 1 worker", one, 1),
            (f"B3 {LATENCY_MS} ms latency, 2 workers", two, 2),
        ]
        rounds = [r for r in rounds if r[1]]  # --quick leaves the two workers out
        ready = self.delivery_ready()
        if not ready:
            return [unavailable(name, engine, count(n, "notices")) for name, n, _ in rounds]
        rows = []
        with Sink(latency=LATENCY_MS / 1000) as sink:
            for name, n, workers in rounds:

                def round_(name: str = name, n: int = n, workers: int = workers) -> Row:
                    return self._b3_latency_round(engine, sink, name, n, workers)

                rows.append(guarded(name, engine, count(n, "notices"), round_))
        return rows

    def _b3_latency_round(self, engine: Engine, sink: Sink, name: str, n: int, workers: int) -> Row:
        db = engine.database("b3_latency")
        try:
            self.delivery_dataset(db, n, sink)
            self.py("bench.workloads", "run", "--date", REFERENCE_DATE, db=db)
            pending = self.scalar(db, PENDING)
            connections = workers * CONNECTIONS
            floor_seconds, floor_rate = self.smtplib_floor(engine, db, sink, pending, connections)
            seconds, peak = self.workers(db, workers)
            sent = self.scalar(db, SENT)
        finally:
            db.drop()
        rate = sent / seconds
        if workers == 1:
            ratio = rate / floor_rate
            measured = f"{ratio:.2f}× floor rate"
            goal, met = "≥ 0.8× smtplib", ratio >= 0.8
        else:
            ratio = seconds / floor_seconds
            measured = f"{ratio:.2f}× floor time"
            goal, met = "≤ 1.25× smtplib time", ratio <= 1.25
        row = Row(
            name,
            engine.label,
            count(pending, "notices"),
            seconds,
            f"{rate:,.0f} notices/s",
            f"{floor_seconds:.1f} s, {floor_rate:,.0f} msg/s (smtplib, {connections} conn.)",
            measured,
            peak,
            goal,
            met and sent == pending,
        )
        row.notes.append(
            f"{workers} × `regua worker --until-done` with REGUA_SMTP_CONNECTIONS={CONNECTIONS},"
            f" the sink answering each command after {LATENCY_MS} ms"
        )
        if sent != pending:
            row.notes.append(f"{pending - sent} of {pending} notices were not sent")
        return row

    # --- B4: end to end ----------------------------------------------------------------

    def b4(self, engine: Engine) -> list[Row]:
        s = self.sizes
        size = count(s.b4_receivables, "títulos")
        name = "B4 import + run + delivery"
        ready = (
            self.caps.has("import")
            and self.caps.has("run", "--no-wait")
            and self.caps.has("worker", "--until-done")
            and self.caps.functions.get("email_settings")
        )
        if not ready:
            return [unavailable(name, engine, size)]
        try:
            return self._b4(engine, size, name)
        except Exception as error:  # noqa: BLE001 - a broken benchmark becomes a "falhou" row
            traceback.print_exc()
            return [failed(name, engine, size, error)]

    def _b4(self, engine: Engine, size: str, name: str) -> list[Row]:
        s = self.sizes
        rows = []
        db = engine.database("b4")
        try:
            path = self.csv_file(s.b4_customers, s.b4_receivables, db)
            with Sink() as sink:
                self.dataset(db, s.b4_customers, 0, "--smtp-port", sink.port)
                imported = self.regua("import", "receivables", path, db=db)
                ran = measure(
                    [REGUA, "run", "--no-wait", "--date", REFERENCE_DATE],
                    db.env,
                    timeout=s.timeout,
                    stdout_path=Path("/dev/null"),
                )
                self.log(f"  [{db.engine}] regua run --no-wait: {ran.seconds:.2f} s")
                if ran.returncode != 0:
                    rows.append(failed(name, engine, size, command_error(ran)))
                    if not self.scalar(db, "SELECT count(*) FROM dunning_dunningrun"):
                        return rows
                    # The run was recorded before the command broke: delivery still has work.
                    name += " (run recorded, then `regua run` broke)"
                # Two cores: one worker per core where the database lets writers run side by side.
                k = 2 if engine.label == "postgresql" else 1
                seconds, peak = self.workers(db, k)
            sent = self.scalar(db, SENT)
            pending = self.scalar(db, UNDELIVERED)
        finally:
            db.drop()
        total = imported.seconds + ran.seconds + seconds
        row = Row(
            name,
            engine.label,
            size,
            total,
            f"{sent:,} e-mails",
            "—",
            "—",
            max(imported.peak_mb, ran.peak_mb, peak),
            "< 120 s on 2 cores",
            total < 120 and pending == 0,
        )
        row.notes.append(
            f"import {imported.seconds:.1f} s, run {ran.seconds:.1f} s, "
            f"delivery {seconds:.1f} s with {k} worker(s)"
        )
        if pending:
            row.notes.append(f"{pending} e-mail notices still undelivered")
        return [*rows, row]

    # --- B5: import ----------------------------------------------------------------------

    def b5(self, engine: Engine) -> list[Row]:
        s = self.sizes
        size = count(s.b5_rows, "rows")
        if not self.caps.has("import"):
            return [unavailable("B5 import", engine, size)]
        return [guarded("B5 import", engine, size, lambda: self._b5(engine, size))]

    def _b5(self, engine: Engine, size: str) -> Row:
        s = self.sizes
        db = engine.database("b5")
        try:
            self.dataset(db, s.b5_customers, 0)
            path = self.csv_file(s.b5_customers, s.b5_rows, db)
            result = self.regua("import", "receivables", path, db=db)
            loaded = self.scalar(db, "SELECT count(*) FROM receivables_receivable")
        finally:
            db.drop()
        rate = loaded / result.seconds
        row = Row(
            "B5 import",
            engine.label,
            size,
            result.seconds,
            f"{rate:,.0f} rows/s",
            "—",
            "—",
            result.peak_mb,
            f"≥ 20,000 rows/s, < {MB_IMPORT} MB",
            rate >= 20_000 and result.peak_mb < MB_IMPORT,
        )
        if loaded != s.b5_rows:
            row.notes.append(f"only {loaded:,} of {s.b5_rows:,} rows were imported")
        return row


def unavailable(name: str, engine: Engine, size: str) -> Row:
    return Row(name, engine.label, size, status="unavailable")


def failed(name: str, engine: Engine, size: str, error: BaseException) -> Row:
    row = Row(name, engine.label, size, status="error")
    lines = [line.strip() for line in str(error).strip().splitlines() if line.strip()]
    if not lines:
        lines = [type(error).__name__]
    # The command that broke and the exception it ended with.
    message = lines[0] if len(lines) == 1 else f"{lines[0]} … {lines[-1]}"
    row.notes.append("falhou: " + re.sub(r"\s+", " ", message)[:600])
    return row


def command_error(result: Measured) -> Exception:
    try:
        result.check()
    except CommandFailed as error:
        return error
    return CommandFailed("?")


def guarded(name: str, engine: Engine, size: str, work: Callable[[], Row]) -> Row:
    try:
        return work()
    except Exception as error:  # noqa: BLE001 - a broken benchmark becomes a "falhou" row
        traceback.print_exc()
        return failed(name, engine, size, error)
