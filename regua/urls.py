from django.contrib import admin
from django.urls import include, path

from regua.operations.views import healthz
from regua.web.views.imports import inbox_confirm

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("importar/pasta/<int:pk>/confirmar/", inbox_confirm, name="inbox_confirm"),
    path("admin/", admin.site.urls),
    path("api/", include("regua.api.urls")),
    path("", include("regua.web.urls")),
]
