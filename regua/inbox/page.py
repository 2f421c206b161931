"""What the Importar page shows about the import folder."""

from typing import Any

from regua.inbox.folder import KIND_LABEL, configured_folder
from regua.inbox.models import InboxFile

SHOWN = 20


def context() -> dict[str, Any]:
    folder = configured_folder()
    files = list(InboxFile.objects.order_by("-first_seen_at", "-id")[:SHOWN])
    for f in files:
        f.kind_label = KIND_LABEL.get(f.kind, "não reconhecido")  # type: ignore[attr-defined]
    return {"inbox_folder": str(folder) if folder else "", "inbox_files": files}
