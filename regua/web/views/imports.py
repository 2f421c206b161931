"""Importar: upload, a validation pass that writes nothing, then the confirmed import."""

from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from regua.inbox import page as inbox_page
from regua.inbox.folder import Inbox, InboxError
from regua.inbox.models import InboxFile, InboxStatus
from regua.web import imports
from regua.web.forms import ImportForm
from regua.web.permissions import acting_name, requires


@requires("receivables.import_data")
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        options = {
            "kind": data["kind"],
            "snapshot": data["snapshot"],
            "skip_invalid": data["skip_invalid"],
        }
        token = imports.keep_upload(request, data["file"], options)
        meta = imports.kept_upload(request, token)
        assert meta is not None
        result = imports.run_import(token, meta, acting_name(request), dry_run=True)
        can_confirm = result.error_count == 0 or meta["skip_invalid"]
        if not can_confirm:
            imports.forget_upload(request, token)
        return render(
            request,
            "web/import_check.html",
            {
                "nav": "import",
                "result": result,
                "meta": meta,
                "token": token if can_confirm else None,
            },
        )
    return render(
        request, "web/import.html", {"nav": "import", "form": form, **inbox_page.context()}
    )


@requires("receivables.import_data")
@require_POST
def inbox_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """A snapshot the import folder held (mass settlement) applied after a person looked."""
    row = get_object_or_404(InboxFile, pk=pk)
    try:
        outcome = Inbox(Path(row.moved_to).parent.parent).confirm(row, acting_name(request))
    except InboxError as error:
        messages.error(request, str(error))
    else:
        if outcome.status == InboxStatus.APPLIED:
            messages.success(request, f"{row.name}: {outcome.summary}")
        else:
            messages.error(request, f"{row.name}: {outcome.summary}")
    return redirect("import")


@requires("receivables.import_data")
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    meta = imports.kept_upload(request, token)
    if meta is None:
        messages.error(request, "O arquivo enviado não está mais disponível: envie-o de novo.")
        return redirect("import")
    try:
        result = imports.run_import(token, meta, acting_name(request), dry_run=False)
    finally:
        imports.forget_upload(request, token)
    return render(
        request,
        "web/import_done.html",
        {"nav": "import", "result": result, "meta": meta},
    )
