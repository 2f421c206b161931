"""Configurar e-mail para envio (routine 1213's Extras), with a test message."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from regua.delivery.configuration import EDITABLE, ConfigurationError, configure_email
from regua.delivery.encryption import EncryptionError
from regua.delivery.models import EmailSettings
from regua.delivery.smtp import send_test_message
from regua.web.permissions import acting_name, requires


class EmailSettingsForm(forms.ModelForm):
    # Write-only: never rendered back, empty keeps the saved one.
    new_password = forms.CharField(
        label="Senha",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="deixe em branco para manter a senha salva",
    )
    remove_password = forms.BooleanField(label="Remover a senha salva", required=False)

    class Meta:
        model = EmailSettings
        fields = EDITABLE


class TestMessageForm(forms.Form):
    to = forms.CharField(label="Enviar mensagem de teste para", max_length=254)


def _page(
    request: HttpRequest, form: EmailSettingsForm, test_form: TestMessageForm, **extra: Any
) -> HttpResponse:
    cfg = EmailSettings.load()
    return render(
        request,
        "web/email_settings.html",
        {"nav": "email", "form": form, "test_form": test_form, "cfg": cfg, **extra},
    )


@sensitive_post_parameters("new_password")
@sensitive_variables("password", "data")
@requires("delivery.configure_email")
@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    cfg = EmailSettings.load()
    form = EmailSettingsForm(request.POST or None, instance=cfg)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        password: str | None = None
        if data["remove_password"]:
            password = ""
        elif data["new_password"]:
            password = data["new_password"]
        try:
            configure_email(
                acting_name(request), password=password, **{name: data[name] for name in EDITABLE}
            )
        except (ConfigurationError, EncryptionError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Configuração de e-mail salva.")
            return redirect("email_settings")
    return _page(request, form, TestMessageForm(initial={"to": getattr(request.user, "email", "")}))


@requires("delivery.configure_email")
@require_POST
def email_test(request: HttpRequest) -> HttpResponse:
    test_form = TestMessageForm(request.POST)
    outcome = None
    if test_form.is_valid():
        accepted, answer = send_test_message(test_form.cleaned_data["to"])
        outcome = {"accepted": accepted, "answer": answer}
    form = EmailSettingsForm(instance=EmailSettings.load())
    return _page(request, form, test_form, outcome=outcome)
