"""A login page for the tests only, so they do not depend on the web app's pages."""

from django.contrib.auth.views import LoginView
from django.urls import path

from regua.access.forms import ThrottledAuthenticationForm

urlpatterns = [
    path(
        "entrar/",
        LoginView.as_view(
            authentication_form=ThrottledAuthenticationForm,
            template_name="access_tests/login.html",
        ),
        name="login",
    ),
]
