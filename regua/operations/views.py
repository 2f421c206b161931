"""GET /healthz: for load balancers and monitors; no login, no data."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from regua.operations import health


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when this process serves and reaches the database.

    With ``?workers=1``, also 503 when notices or schedules wait and no worker
    has been seen lately. Without it, a web node is never taken out of a load
    balancer because a worker elsewhere died.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "erro", "motivo": "banco de dados inacessível"}, status=503)
    if request.GET.get("workers") in ("1", "true", "sim") and health.check().unattended:
        return JsonResponse(
            {"status": "erro", "motivo": "há trabalho esperando e nenhum worker ativo"},
            status=503,
        )
    return JsonResponse({"status": "ok"})
