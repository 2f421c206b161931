"""Forms of the pages; the rules they enforce live in the engine's functions."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group, User


class GroupsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: object) -> None:
        super().__init__(
            queryset=Group.objects.order_by("name"), required=False, label="Grupos", **kwargs
        )


class UserCreateForm(UserCreationForm):
    groups = GroupsField()

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "email")
        labels = {"first_name": "Nome", "last_name": "Sobrenome", "email": "E-mail"}


class UserEditForm(forms.ModelForm):
    groups = GroupsField()

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email", "is_active")
        labels = {
            "first_name": "Nome",
            "last_name": "Sobrenome",
            "email": "E-mail",
            "is_active": "Ativo (pode entrar)",
        }
