"""Pasta de importação: the ERP's scheduled exports, imported as they arrive.

The ERP drops its files into a folder (local, or an SFTP/SMB share mounted
there). Each scan takes the files that are complete — older than a minute and
unchanged while read — and imports each with the kind its name says (a
pattern per kind, configurable), in a safe order: branches, collection types,
customers, títulos, payments; files of one kind in the order of their
modification time. Each file is all-or-nothing (``import_file``), then moved
to ``processados/`` or ``recusados/`` with a report beside it.

ERPs reuse one name every day, so a file is known by its content (SHA-256):
the same content dropped again changes nothing. A file refused only because
what it refers to has not arrived yet (a título of a customer not imported)
stays in the folder and is tried again on the next scans for a while. A
snapshot of the open títulos older than the last one applied is refused; one
that would settle more than a share of a branch's open títulos (30 % by
default) is held in ``aguardando/`` for a person to confirm: a truncated
export must not settle the portfolio.
"""

import datetime
import fnmatch
import hashlib
import logging
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from regua import ptbr
from regua.audit import log
from regua.inbox.models import InboxFile, InboxStatus
from regua.receivables.importing import KINDS, ImportResult, import_file
from regua.receivables.models import Branch, Receivable

logger = logging.getLogger(__name__)

USER = "pasta de importação"
PROCESSED, REFUSED, HELD = "processados", "recusados", "aguardando"
KIND_ORDER = ("branches", "collection-types", "customers", "receivables", "payments")
KIND_LABEL = {
    "branches": "filiais",
    "collection-types": "tipos de cobrança",
    "customers": "clientes",
    "receivables": "títulos",
    "payments": "pagamentos",
}
DEFAULT_PATTERNS = (
    "PCFILIAL*=branches,PCCOB*=collection-types,PCCLIENT*=customers,"
    "PCPREST*=receivables+snapshot,PAGAMENTOS*=payments"
)
# Messages of the loaders that mean "what this row refers to has not arrived yet".
MISSING_REFERENCE = (
    "filial não cadastrada",
    "cliente não cadastrado",
    "título não cadastrado",
)
_SKIPPED_SUFFIXES = (".tmp", ".part", ".partial", ".filepart", ".crdownload")


class InboxError(Exception):
    """The folder or its configuration is unusable (message in Portuguese)."""


@dataclass(frozen=True)
class Rule:
    pattern: str
    kind: str
    snapshot: bool


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str
    summary: str
    moved_to: str = ""


@dataclass(frozen=True)
class _Candidate:
    path: Path
    sha256: str
    size: int
    modified_at: datetime.datetime
    rule: Rule | None


def parse_rules(text: str) -> list[Rule]:
    """``PCPREST*=receivables+snapshot,PCCLIENT*=customers`` → rules, checked."""
    rules = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        pattern, _, target = part.partition("=")
        kind, _, option = target.strip().partition("+")
        if not pattern.strip() or kind not in KINDS or option not in ("", "snapshot"):
            raise InboxError(
                f"padrão da pasta de importação inválido: {part!r} (use PADRÃO=tipo ou "
                f"PADRÃO=receivables+snapshot; tipos: {', '.join(KIND_ORDER)})"
            )
        if option and kind != "receivables":
            raise InboxError(f"{part!r}: a carga completa (+snapshot) só vale para receivables")
        rules.append(Rule(pattern.strip(), kind, option == "snapshot"))
    return rules


def configured_rules() -> list[Rule]:
    return parse_rules(getattr(settings, "REGUA_INBOX_PATTERNS", "") or DEFAULT_PATTERNS)


def configured_folder() -> Path | None:
    folder = getattr(settings, "REGUA_INBOX_DIR", "") or ""
    return Path(folder) if folder else None


def match(name: str, rules: Iterable[Rule]) -> Rule | None:
    for rule in rules:
        if fnmatch.fnmatchcase(name.upper(), rule.pattern.upper()):
            return rule
    return None


def _moment(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M:%S") if value else ""


def _hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Inbox:
    def __init__(
        self,
        folder: Path,
        *,
        rules: list[Rule] | None = None,
        stable_seconds: float | None = None,
        retry_for: datetime.timedelta | None = None,
        settle_limit: Decimal | None = None,
    ) -> None:
        self.folder = folder
        self.rules = rules if rules is not None else configured_rules()
        self.stable_seconds = (
            stable_seconds
            if stable_seconds is not None
            else getattr(settings, "REGUA_INBOX_STABLE_SECONDS", 60)
        )
        self.retry_for = retry_for or datetime.timedelta(
            hours=getattr(settings, "REGUA_INBOX_RETRY_HOURS", 6)
        )
        self.settle_limit = (
            settle_limit
            if settle_limit is not None
            else Decimal(getattr(settings, "REGUA_INBOX_SETTLE_LIMIT_PERCENT", 30))
        )

    # The folder -------------------------------------------------------------------

    def _check_folder(self) -> None:
        if not self.folder.is_dir():
            raise InboxError(f"a pasta de importação {self.folder} não existe ou não é uma pasta")
        # The ERP's account may write there: it must not reach the database or the keys.
        data = Path(settings.DATA_DIR).resolve()
        if self.folder.resolve().is_relative_to(data):
            raise InboxError(
                f"a pasta de importação {self.folder} fica dentro da pasta de dados privada "
                f"({data}): use uma pasta à parte, que a conta do ERP possa gravar"
            )

    def _candidates(self) -> list[_Candidate]:
        now = timezone.now().timestamp()
        found = []
        for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
            name = entry.name
            if (
                not entry.is_file(follow_symlinks=False)
                or name.startswith(".")
                or name.lower().endswith(_SKIPPED_SUFFIXES)
            ):
                continue
            before = entry.stat()
            if now - before.st_mtime < self.stable_seconds:
                continue  # still being written, or just finished: next scan
            path = Path(entry.path)
            try:
                sha = _hash(path)
                after = path.stat()
            except FileNotFoundError:
                continue
            if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                continue  # changed while read
            found.append(
                _Candidate(
                    path,
                    sha,
                    after.st_size,
                    datetime.datetime.fromtimestamp(after.st_mtime, datetime.UTC),
                    match(name, self.rules),
                )
            )

        def order(c: _Candidate) -> tuple[int, datetime.datetime, str]:
            rank = KIND_ORDER.index(c.rule.kind) if c.rule else -1
            return (rank, c.modified_at, c.path.name)

        return sorted(found, key=order)

    def _move(self, path: Path, where: str) -> Path:
        folder = self.folder / where
        folder.mkdir(exist_ok=True)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{stamp}-{path.name}"
        n = 1
        while target.exists() or target.with_name(target.name + ".relatorio.txt").exists():
            target = folder / f"{stamp}-{n}-{path.name}"
            n += 1
        os.replace(path, target)
        return target

    def _report(self, target: Path, row: InboxFile, result: ImportResult | None) -> None:
        lines = [
            f"Arquivo: {row.name}",
            f"SHA-256: {row.sha256}",
            "Tipo: "
            + (KIND_LABEL.get(row.kind, "não reconhecido") if row.kind else "não reconhecido")
            + (" (carga completa)" if row.snapshot else ""),
            f"Modificado em: {_moment(row.modified_at)}",
            f"Tratado em: {_moment(timezone.now())}",
            f"Tentativas: {row.attempts}",
            f"Situação: {row.get_status_display()}",
            "",
            row.summary,
        ]
        if result is not None and result.errors:
            lines += ["", "Erros:"]
            lines += [f"- {error}" for error in result.errors]
            if result.error_count > len(result.errors):
                lines.append(f"… e mais {result.error_count - len(result.errors)}")
        if result is not None and result.warnings:
            lines += ["", "Avisos:"] + [f"- {w}" for w in result.warnings]
        target.with_name(target.name + ".relatorio.txt").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )

    # One scan -----------------------------------------------------------------------

    def scan(self) -> list[Outcome]:
        """Every complete file in the folder, in a safe order; what became of each."""
        self._check_folder()
        outcomes = []
        candidates = self._candidates()
        for candidate in candidates:
            outcome = self._handle(candidate)
            if outcome is not None:
                outcomes.append(outcome)
                logger.info(
                    "pasta de importação: %s → %s: %s",
                    outcome.name,
                    outcome.status,
                    outcome.summary,
                    extra={"event": "inbox", "file": outcome.name, "status": outcome.status},
                )
        # A file waiting for its references that left the folder (the ERP wrote a new
        # one over it, or someone removed it) will never be imported: say so.
        InboxFile.objects.filter(status=InboxStatus.WAITING).exclude(
            sha256__in=[c.sha256 for c in candidates]
        ).update(
            status=InboxStatus.REFUSED,
            decided_at=timezone.now(),
            summary="Saiu da pasta antes de ser importado (substituído ou removido).",
        )
        return outcomes

    def _claim(self, c: _Candidate) -> InboxFile | None | Outcome:
        """This scanner's row for the content, or an outcome when there is nothing to import."""
        now = timezone.now()
        existing = InboxFile.objects.filter(sha256=c.sha256).first()
        if existing is None:
            try:
                with transaction.atomic():
                    return InboxFile.objects.create(
                        sha256=c.sha256,
                        name=c.path.name[:255],
                        kind=c.rule.kind if c.rule else "",
                        snapshot=bool(c.rule and c.rule.snapshot),
                        size=c.size,
                        modified_at=c.modified_at,
                        status=InboxStatus.PROCESSING,
                        first_seen_at=now,
                        attempts=1,
                    )
            except IntegrityError:
                return None  # another scanner took it this very moment
        if existing.status == InboxStatus.WAITING:
            taken = InboxFile.objects.filter(pk=existing.pk, status=InboxStatus.WAITING).update(
                status=InboxStatus.PROCESSING, attempts=existing.attempts + 1
            )
            if not taken:
                return None
            existing.refresh_from_db()
            return existing
        if existing.status == InboxStatus.PROCESSING:
            return None
        # Applied, refused or held already: the same content again changes nothing.
        try:
            target = self._move(c.path, PROCESSED)
        except FileNotFoundError:
            return None  # another scanner moved it meanwhile
        summary = (
            f"Mesmo conteúdo de {existing.name}, visto em {_moment(existing.first_seen_at)} "
            f"({existing.get_status_display().lower()}): nada foi importado de novo."
        )
        target.with_name(target.name + ".relatorio.txt").write_text(
            f"Arquivo: {c.path.name}\nSHA-256: {c.sha256}\n\n{summary}\n", encoding="utf-8"
        )
        return Outcome(c.path.name, InboxStatus.DUPLICATE, summary, str(target))

    def _handle(self, c: _Candidate) -> Outcome | None:
        claimed = self._claim(c)
        if claimed is None or isinstance(claimed, Outcome):
            return claimed
        row = claimed
        if c.rule is None:
            names = ", ".join(r.pattern for r in self.rules)
            return self._refuse(
                row, c.path, None, f"Nome de arquivo não reconhecido: os nomes aceitos são {names}."
            )
        if c.rule.snapshot:
            last = InboxFile.objects.filter(
                kind=c.rule.kind, snapshot=True, status=InboxStatus.APPLIED
            ).aggregate(last=Max("modified_at"))["last"]
            if last is not None and c.modified_at < last:
                return self._refuse(
                    row,
                    c.path,
                    None,
                    f"Carga completa exportada em {_moment(c.modified_at)}, anterior à última "
                    f"aplicada ({_moment(last)}): recusada para não desfazer o que a mais nova "
                    "registrou.",
                )
        return self._import(row, c.path, guard=True)

    def _import(self, row: InboxFile, path: Path, *, guard: bool) -> Outcome:
        held_reason = ""
        try:
            with transaction.atomic():
                before = _open_by_branch() if row.snapshot and guard else {}
                started = timezone.now()
                with path.open("rb") as stream:
                    result = import_file(
                        row.kind, stream, filename=row.name, user=USER, snapshot=row.snapshot
                    )
                if result.committed and before:
                    held_reason = self._too_much_settled(before, started)
                    if held_reason:
                        transaction.set_rollback(True)
        except Exception as error:  # nothing was written: the transaction rolled back
            logger.exception("pasta de importação: %s não pôde ser importado", row.name)
            return self._refuse(row, path, None, f"Erro ao importar, nada foi gravado: {error}")
        if held_reason:
            return self._hold(row, path, held_reason)
        if result.committed:
            row.status = InboxStatus.APPLIED
            row.summary = result.summary()
            return self._finish(row, path, PROCESSED, result)
        if self._only_missing_references(result) and (
            timezone.now() - row.first_seen_at < self.retry_for
        ):
            row.status = InboxStatus.WAITING
            row.summary = (
                "Refere-se a dados que ainda não chegaram ("
                + "; ".join(str(e) for e in result.errors[:3])
                + f"). Nova tentativa nas próximas varreduras até {_moment(row.first_seen_at + self.retry_for)}."
            )
            row.save(update_fields=["status", "summary"])
            return Outcome(row.name, row.status, row.summary)
        return self._refuse(row, path, result, result.summary())

    @staticmethod
    def _only_missing_references(result: ImportResult) -> bool:
        return bool(result.errors) and all(
            any(m in e.message for m in MISSING_REFERENCE) for e in result.errors
        )

    def _too_much_settled(self, before: dict[int, int], started: datetime.datetime) -> str:
        settled = dict(
            Receivable.objects.filter(
                settled=True, settled_at__gte=started, branch_id__in=list(before)
            )
            .values_list("branch_id")
            .annotate(n=Count("id"))
            .values_list("branch_id", "n")
        )
        over = []
        for branch_id, count in settled.items():
            total = before.get(branch_id, 0)
            if total and Decimal(count) * 100 > self.settle_limit * total:
                over.append((branch_id, count, total))
        if not over:
            return ""
        codes = dict(
            Branch.objects.filter(pk__in=[b for b, _, _ in over]).values_list("pk", "code")
        )
        parts = [
            f"filial {codes[b]}: baixaria {ptbr.integer(n)} de "
            f"{ptbr.count(total, 'título em aberto', 'títulos em aberto')} "
            f"({ptbr.decimal_br(Decimal(n) * 100 / total, 1)} %)"
            for b, n, total in over
        ]
        return (
            "Carga completa retida para confirmação: "
            + "; ".join(parts)
            + f", acima do limite de {ptbr.decimal_br(self.settle_limit, 0)} %. Uma exportação "
            "cortada baixaria a carteira: confira o arquivo e confirme na página Importar "
            f"ou com `regua inbox confirm {{id}}`."
        )

    def _hold(self, row: InboxFile, path: Path, reason: str) -> Outcome:
        row.status = InboxStatus.HELD
        row.summary = reason.replace("{id}", str(row.pk))
        return self._finish(row, path, HELD, None)

    def _refuse(
        self, row: InboxFile, path: Path, result: ImportResult | None, summary: str
    ) -> Outcome:
        row.status = InboxStatus.REFUSED
        row.summary = summary
        return self._finish(row, path, REFUSED, result)

    def _finish(
        self, row: InboxFile, path: Path, where: str, result: ImportResult | None
    ) -> Outcome:
        target = self._move(path, where)
        # A held file confirmed later: its old report goes with it (the new one says more).
        path.with_name(path.name + ".relatorio.txt").unlink(missing_ok=True)
        row.moved_to = str(target)[:500]
        row.decided_at = timezone.now() if row.status != InboxStatus.HELD else None
        row.save(update_fields=["status", "summary", "moved_to", "decided_at"])
        self._report(target, row, result)
        return Outcome(row.name, row.status, row.summary, str(target))

    # A person's confirmation ------------------------------------------------------

    def confirm(self, row: InboxFile, user: str) -> Outcome:
        """Apply a held snapshot after all (audited); refused if a newer one was applied since."""
        if row.status != InboxStatus.HELD:
            raise InboxError(
                f"O arquivo {row.pk} ({row.name}) está {row.get_status_display().lower()}: "
                "só arquivos aguardando confirmação podem ser confirmados."
            )
        path = Path(row.moved_to)
        if not path.is_file():
            raise InboxError(f"O arquivo {path} não está mais na pasta aguardando/.")
        log.record(
            user,
            "inbox.confirm",
            description=f"Carga completa {row.name} confirmada apesar das baixas em massa",
            changes={"file": row.name, "sha256": row.sha256},
        )
        last = InboxFile.objects.filter(
            kind=row.kind, snapshot=True, status=InboxStatus.APPLIED
        ).aggregate(last=Max("modified_at"))["last"]
        InboxFile.objects.filter(pk=row.pk).update(
            status=InboxStatus.PROCESSING, attempts=row.attempts + 1
        )
        row.refresh_from_db()
        if last is not None and row.modified_at < last:
            return self._refuse(
                row, path, None, "Uma carga completa mais nova foi aplicada depois desta."
            )
        return self._import(row, path, guard=False)


def _open_by_branch() -> dict[int, int]:
    return dict(
        Receivable.objects.filter(settled=False, cancelled=False)
        .values_list("branch_id")
        .annotate(n=Count("id"))
        .values_list("branch_id", "n")
    )


def status_counts() -> Counter[str]:
    return Counter(dict(InboxFile.objects.values_list("status").annotate(n=Count("id"))))


def arrived_today(kind: str = "receivables") -> bool:
    """Whether a file of ``kind`` was imported from the folder today (local date)."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    return InboxFile.objects.filter(
        kind=kind, status=InboxStatus.APPLIED, decided_at__gte=start
    ).exists()


NOT_ARRIVED = "arquivo do ERP de hoje não chegou"


def import_before_run() -> str:
    """A schedule's "importar, depois emitir": scan now; why not to emit, or "" to go on."""
    folder = configured_folder()
    if folder is None:
        return f"{NOT_ARRIVED} (nenhuma pasta de importação configurada: REGUA_INBOX_DIR)"
    try:
        Inbox(folder).scan()
    except InboxError as error:
        return f"{NOT_ARRIVED} ({error})"
    if arrived_today("receivables"):
        return ""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    if InboxFile.objects.filter(
        kind="receivables", status=InboxStatus.HELD, first_seen_at__gte=start
    ).exists():
        return f"{NOT_ARRIVED}: a carga completa de hoje está retida para confirmação (Importar)"
    return f"{NOT_ARRIVED}: nenhum arquivo de títulos importado hoje da pasta {folder}"
