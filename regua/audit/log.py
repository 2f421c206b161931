"""Writing to the audit log."""

from typing import Any

from django.db import models

from regua.audit.models import AuditEntry

# Fields whose values must never reach the log, whatever model they are on.
SECRET_FIELDS = frozenset({"password", "password_encrypted", "token", "key"})


def record(
    user: str,
    action: str,
    obj: models.Model | None = None,
    description: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that ``user`` did ``action`` (to ``obj``); secret fields are masked."""
    safe = {
        name: ("***" if name in SECRET_FIELDS else value) for name, value in (changes or {}).items()
    }
    return AuditEntry.objects.create(
        user=user,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        description=description,
        changes=safe,
    )


def diff(before: models.Model | None, after: models.Model, fields: list[str]) -> dict[str, Any]:
    """The fields that changed from ``before`` to ``after``, as [old, new] strings."""
    changed: dict[str, Any] = {}
    for name in fields:
        old = getattr(before, name) if before is not None else None
        new = getattr(after, name)
        if old != new:
            changed[name] = [None if old is None else str(old), None if new is None else str(new)]
    return changed
