from django.apps import AppConfig
from django.db.models.signals import post_save


class AuditConfig(AppConfig):
    verbose_name = "Auditoria"
    name = "regua.audit"
    label = "audit"

    def ready(self) -> None:
        from django.contrib.admin.models import LogEntry

        from regua.audit.signals import mirror_admin_entry

        post_save.connect(mirror_admin_entry, sender=LogEntry, dispatch_uid="regua-audit-admin")
