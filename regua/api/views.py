"""The JSON API, version 1: thin views over the engine, delivery and import code."""

from typing import Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone

from regua.api.decorators import ApiError, requires, route
from regua.api.pagination import paginate
from regua.api.params import (
    ROWS_BODY,
    SMALL_BODY,
    UPLOAD_BODY,
    check_size,
    flag,
    parse_date,
    read_json,
)
from regua.api.uploads import result_json, rows_to_csv
from regua.delivery import dispatch
from regua.dunning.history import history as notice_history
from regua.dunning.history import notice_json, parse_receivable_key
from regua.dunning.models import DunningRun, GroupBy, Notice, NoticeStatus
from regua.dunning.runs import execute_run
from regua.dunning.selection import Filters, SelectionError
from regua.receivables.importing import import_file

RUN_DUNNING = "dunning.run_dunning"
VIEW_HISTORY = "dunning.view_history"
IMPORT_DATA = "receivables.import_data"


def _when(value: Any) -> str | None:
    return None if value is None else timezone.localtime(value).isoformat(timespec="seconds")


def run_json(run: DunningRun) -> dict[str, Any]:
    """A run as the API lists it: who, when, the filters and the counts (its notices: /notices?run=)."""
    return {
        "id": run.pk,
        "date": run.reference_date.isoformat(),
        "created_at": _when(run.created_at),
        "finished_at": _when(run.finished_at),
        "interrupted_at": _when(run.interrupted_at),
        "user": run.user,
        "filters": run.filters,
        "group": run.group_by,
        "candidates": run.candidates,
        "notices": run.notices,
        "sent": run.sent,
        "held": run.held,
        "skipped": run.skipped,
        "failed": run.failed,
    }


def _notices() -> QuerySet[Notice]:
    return notice_history()


def _history_json(notice: Notice) -> dict[str, Any]:
    return notice_json(notice, history=True)


@requires(RUN_DUNNING)
def list_runs(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        paginate(request, DunningRun.objects.order_by("-created_at", "-id"), run_json)
    )


RUN_OPTIONS = frozenset(
    {
        "date",
        "due_from",
        "due_to",
        "issued_from",
        "issued_to",
        "collection",
        "customer",
        "branch",
        "group",
        "dry_run",
    }
)


def _codes(value: object, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ApiError(400, f"Campo {name} inválido: use uma lista de códigos (texto).")
    return tuple(value)


def _optional_date(options: dict[str, Any], name: str) -> Any:
    value = options.get(name)
    return None if value in (None, "") else parse_date(value, name)


def run_options(body: Any) -> dict[str, Any]:
    """`regua run`'s options from a JSON object, as execute_run's arguments."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ApiError(400, "Envie um objeto JSON com as opções da emissão.")
    unknown = sorted(set(body) - RUN_OPTIONS)
    if unknown:
        raise ApiError(
            400,
            f"Opção desconhecida: {', '.join(unknown)}; use {', '.join(sorted(RUN_OPTIONS))}.",
        )
    group = body.get("group") or GroupBy.CUSTOMER
    if group not in GroupBy.values:
        raise ApiError(400, f"Campo group inválido: {group!r}; use {' ou '.join(GroupBy.values)}.")
    dry_run = body.get("dry_run", False)
    if not isinstance(dry_run, bool):
        raise ApiError(400, "Campo dry_run inválido: use true ou false.")
    branch = body.get("branch")
    if branch is not None and not isinstance(branch, str):
        raise ApiError(400, "Campo branch inválido: use o código da filial (texto).")
    return {
        "reference_date": _optional_date(body, "date"),
        "filters": Filters(
            due_from=_optional_date(body, "due_from"),
            due_to=_optional_date(body, "due_to"),
            issued_from=_optional_date(body, "issued_from"),
            issued_to=_optional_date(body, "issued_to"),
            collections=_codes(body.get("collection"), "collection"),
            customers=_codes(body.get("customer"), "customer"),
            branch=branch or None,
        ),
        "group_by": group,
        "dry_run": dry_run,
    }


@requires(RUN_DUNNING)
def create_run(request: HttpRequest) -> JsonResponse:
    """Emitir, as `regua run --no-wait --json` does: workers deliver the e-mail notices."""
    options = run_options(read_json(request, SMALL_BODY))
    try:
        result = execute_run(user=request.user.get_username(), **options)
    except SelectionError as failure:
        raise ApiError(400, " ".join(failure.messages)) from None
    dispatch(result.pending, "queue")
    # A dry run creates nothing: 200. A run is a new resource: 201 and where it lives.
    if result.run is None:
        return JsonResponse(result.as_json())
    response = JsonResponse(result.as_json(), status=201)
    response["Location"] = f"/api/v1/runs/{result.run.pk}"
    return response


@requires(RUN_DUNNING)
def get_run(request: HttpRequest, run_id: int) -> JsonResponse:
    run = DunningRun.objects.filter(pk=run_id).first()
    if run is None:
        raise ApiError(404, f"Emissão {run_id} não encontrada.")
    return JsonResponse(run_json(run))


@requires(VIEW_HISTORY)
def list_notices(request: HttpRequest) -> JsonResponse:
    notices = _notices()
    status = request.GET.get("status")
    if status:
        if status not in NoticeStatus.values:
            raise ApiError(
                400,
                f"Parâmetro status inválido: {status!r}; use um de {', '.join(NoticeStatus.values)}.",
            )
        notices = notices.filter(status=status)
    customer = request.GET.get("customer")
    if customer:
        notices = notices.filter(customer__code=customer)
    run = request.GET.get("run")
    if run:
        # An id has at most 18 digits: a longer one would overflow the database's integer.
        if not (run.isdigit() and run.isascii()) or len(run) > 18:
            raise ApiError(400, f"Parâmetro run inválido: {run!r} não é o id de uma emissão.")
        notices = notices.filter(run_id=int(run))
    return JsonResponse(paginate(request, notices, _history_json))


@requires(VIEW_HISTORY)
def get_notice(request: HttpRequest, notice_id: int) -> JsonResponse:
    notice = _notices().filter(pk=notice_id).first()
    if notice is None:
        raise ApiError(404, f"Carta {notice_id} não encontrada.")
    return JsonResponse(_history_json(notice))


@requires(VIEW_HISTORY)
def history(request: HttpRequest) -> JsonResponse:
    """Hist. Cobrança: every notice of a customer or a título, newest first (R10)."""
    receivable = None
    if request.GET.get("receivable"):
        try:
            receivable = parse_receivable_key(request.GET["receivable"])
        except ValueError as failure:
            raise ApiError(400, f"Parâmetro receivable inválido. {failure}") from None
    notices = notice_history(customer=request.GET.get("customer") or None, receivable=receivable)
    return JsonResponse(paginate(request, notices, _history_json))


def _uploaded_file(request: HttpRequest) -> tuple[Any, str]:
    check_size(request, UPLOAD_BODY)
    try:
        upload = request.FILES.get("file")
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent, RequestDataTooBig):
        raise ApiError(400, "Envio multipart/form-data ilegível.") from None
    if upload is None:
        raise ApiError(400, "Envie o arquivo CSV ou XLSX no campo file.")
    return upload.file, upload.name or ""


def _import(request: HttpRequest, kind: str, *, snapshot: bool = False) -> JsonResponse:
    """Rows as JSON or a CSV/XLSX file, through the one import engine, all or nothing."""
    if request.content_type == "multipart/form-data":
        stream, filename = _uploaded_file(request)
        from_json = False
    elif request.content_type == "application/json":
        stream, filename = rows_to_csv(read_json(request, ROWS_BODY)), f"api-{kind}.csv"
        from_json = True
    else:
        raise ApiError(
            415,
            f"Tipo de conteúdo não aceito: {request.content_type or 'nenhum'}; envie "
            "application/json (uma lista de linhas) ou multipart/form-data (o arquivo no campo file).",
        )
    result = import_file(
        kind, stream, filename=filename, user=request.user.get_username(), snapshot=snapshot
    )
    data = result_json(result, from_json=from_json)
    if not result.committed:
        return JsonResponse({"error": result.summary(), **data}, status=400)
    return JsonResponse(data)


@requires(IMPORT_DATA)
def import_receivables(request: HttpRequest) -> JsonResponse:
    """Upsert títulos by branch + document + installment; ``?snapshot=1`` settles the missing ones."""
    return _import(request, "receivables", snapshot=flag(request, "snapshot"))


@requires(IMPORT_DATA)
def import_payments(request: HttpRequest) -> JsonResponse:
    """Each título's total paid so far and its date, as the ERP reports them."""
    return _import(request, "payments")


runs = route(GET=list_runs, POST=create_run)
run_detail = route(GET=get_run)
notices = route(GET=list_notices)
notice_detail = route(GET=get_notice)
history_view = route(GET=history)
receivables = route(POST=import_receivables)
payments = route(POST=import_payments)
