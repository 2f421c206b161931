from django.urls import URLPattern, URLResolver, path

from regua.api import pauses, ranges, schema, views

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/openapi.json", schema.openapi, name="openapi"),
    path("v1/runs", views.runs, name="runs"),
    path("v1/runs/<int:run_id>", views.run_detail, name="run"),
    path("v1/notices", views.notices, name="notices"),
    path("v1/notices/<int:notice_id>", views.notice_detail, name="notice"),
    path("v1/history", views.history_view, name="history"),
    path("v1/receivables", views.receivables, name="receivables"),
    path("v1/payments", views.payments, name="payments"),
    path("v1/pauses", pauses.collection, name="pauses"),
    path("v1/pauses/<int:pause_id>/lift", pauses.lift, name="pause_lift"),
    path("v1/ranges", ranges.collection, name="ranges"),
]
