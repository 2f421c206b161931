"""The login form that tells a locked-out user how long to wait."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from regua.access import throttling


class ThrottledAuthenticationForm(AuthenticationForm):
    """AuthenticationForm whose error, while logins are locked, says so and for how long.

    Use it as ``LoginView.as_view(authentication_form=ThrottledAuthenticationForm)``;
    the message appears in ``form.non_field_errors``.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Usuário ou senha incorretos. Atenção: ambos diferenciam maiúsculas "
        "de minúsculas.",
        "inactive": "Este usuário está inativo.",
    }

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except ValidationError:
            # The backend refused or the password was wrong; when the lock is on
            # (perhaps set by this very failure) say that instead.
            lock = throttling.current_lock(
                self.cleaned_data.get("username"), throttling.client_ip(self.request)
            )
            if lock is None:
                raise
            raise ValidationError(lock.message(), code="throttled") from None
