from django.apps import AppConfig


class AuditConfig(AppConfig):
    verbose_name = "Auditoria"
    name = "regua.audit"
    label = "audit"
