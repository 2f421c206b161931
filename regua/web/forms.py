"""Forms of the pages; the rules they enforce live in the engine's functions."""

from decimal import Decimal

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group, User

from regua.dunning.models import GenerationType
from regua.letters.models import LetterTemplate


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


class RangeForm(forms.Form):
    """Faixa de atraso; R3's checks are ``regua.dunning.ranges.save_range``'s."""

    name = forms.CharField(label="Nome", max_length=100, required=False)
    start_day = forms.IntegerField(
        label="Início (dias)", help_text="negativo: dias antes do vencimento; 0: vence hoje"
    )
    end_day = forms.IntegerField(label="Fim (dias)")
    template = forms.ModelChoiceField(
        label="Modelo", queryset=LetterTemplate.objects.order_by("number"), empty_label=None
    )
    generation = forms.ChoiceField(label="Tipo de geração", choices=GenerationType.choices)
    min_balance = forms.DecimalField(
        label="Saldo mínimo (R$)", min_value=Decimal("0"), decimal_places=2, initial=Decimal("0.00")
    )
    active = forms.BooleanField(label="Ativa", required=False, initial=True)


class HolidayForm(forms.Form):
    date = forms.DateField(label="Data", widget=forms.DateInput(attrs={"type": "date"}))
    state = forms.CharField(
        label="UF", max_length=2, required=False, help_text="vazio: feriado em todo o país"
    )
    city = forms.CharField(
        label="Cidade", max_length=100, required=False, help_text="vazio: toda a UF"
    )
    name = forms.CharField(label="Nome", max_length=100, required=False)


IMPORT_KINDS = [
    ("receivables", "Títulos (PCPREST)"),
    ("customers", "Clientes (PCCLIENT)"),
    ("collection-types", "Cobranças (PCCOB)"),
    ("branches", "Filiais (PCFILIAL)"),
    ("payments", "Pagamentos"),
]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="O que o arquivo contém", choices=IMPORT_KINDS)
    file = forms.FileField(label="Arquivo CSV ou XLSX")
    snapshot = forms.BooleanField(
        label="Carga completa (títulos que não estão no arquivo foram baixados)", required=False
    )
    skip_invalid = forms.BooleanField(
        label="Importar as linhas boas e rejeitar as com erro", required=False
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError("Envie um arquivo .csv ou .xlsx.")
        return upload

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("snapshot") and data.get("kind") != "receivables":
            self.add_error("snapshot", "A carga completa só vale para títulos.")
        return data
