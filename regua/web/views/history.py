"""History export for the ERP (R10): CSV, XLSX and WinThor's PCHISTCOB shape."""

import tempfile

from django.http import FileResponse, Http404, HttpRequest

from regua.dunning.history import export_history, history
from regua.web.permissions import requires

FORMATS = {
    "csv": ("historico-cobranca.csv", "text/csv; charset=utf-8"),
    "csv-br": ("historico-cobranca.csv", "text/csv; charset=utf-8"),
    "xlsx": (
        "historico-cobranca.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    "winthor": ("historico-cobranca-winthor.csv", "text/csv; charset=windows-1252"),
}


@requires("dunning.view_history")
def history_export(request: HttpRequest, fmt: str) -> FileResponse:
    if fmt not in FORMATS:
        raise Http404("formato desconhecido")
    customer = request.GET.get("cliente") or None
    filename, content_type = FORMATS[fmt]
    if customer:
        filename = filename.replace("historico-", f"historico-{customer}-")
    # The export writes to a file; the response streams it and the file goes
    # with the handle (delete=True), so nothing stays on the server.
    stream = tempfile.NamedTemporaryFile(suffix=f".{fmt}")  # noqa: SIM115 - closed by the response
    export_history(fmt, stream.name, history(customer=customer))
    stream.seek(0)
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=content_type)
