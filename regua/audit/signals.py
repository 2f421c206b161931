"""Changes made through Django's admin reach Régua's audit log too."""

from typing import Any

from django.contrib.admin.models import LogEntry

from regua.audit.models import AuditEntry

ACTIONS = {1: "admin.added", 2: "admin.changed", 3: "admin.deleted"}


def mirror_admin_entry(sender: type, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    content_type = instance.content_type
    AuditEntry.objects.create(
        user=instance.user.get_username(),
        action=ACTIONS.get(instance.action_flag, "admin.changed"),
        object_type=f"{content_type.app_label}.{content_type.model}" if content_type else "",
        object_id=instance.object_id or "",
        description=f"{instance.object_repr}: {instance.get_change_message()}"[:2000],
    )
