from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("regua.api.urls")),
    path("", include("regua.web.urls")),
]
