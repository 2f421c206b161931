from django.contrib import admin
from django.urls import include, path

from regua.operations.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("regua.api.urls")),
    path("", include("regua.web.urls")),
]
