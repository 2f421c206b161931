"""The three groups every installation starts with (routine 530's profiles, R11)."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

OPERATOR = "Operador de cobrança"
SUPERVISOR = "Supervisor de cobrança"
ADMINISTRATOR = "Administrador"

_OPERATOR_PERMS = ("dunning.run_dunning", "dunning.view_history")
_SUPERVISOR_PERMS = (
    *_OPERATOR_PERMS,
    "dunning.review_notices",
    "dunning.manage_ranges",
    "dunning.manage_holidays",
    "letters.manage_templates",
    "delivery.manage_schedules",
    "receivables.import_data",
)
_ADMINISTRATOR_PERMS = (*_SUPERVISOR_PERMS, "delivery.configure_email", "audit.manage_users")

GROUPS: dict[str, tuple[str, ...]] = {
    OPERATOR: _OPERATOR_PERMS,
    SUPERVISOR: _SUPERVISOR_PERMS,
    ADMINISTRATOR: _ADMINISTRATOR_PERMS,
}


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    query = Q(pk__in=[])
    for name in names:
        app_label, codename = name.split(".", 1)
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


def sync_groups() -> dict[str, list[str]]:
    """Create the groups and set their permissions; returns the permissions not found.

    Run after every migration (permissions are created by post_migrate, not
    inside migrations). Permissions an app has not defined yet are reported
    and added on a later run, once they exist.
    """
    missing: dict[str, list[str]] = {}
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        found = _permissions(perms)
        group.permissions.set(found)
        labels = {f"{p.content_type.app_label}.{p.codename}" for p in found}
        absent = [p for p in perms if p not in labels]
        if absent:
            missing[name] = absent
    return missing
