"""Forms of the pages; the rules they enforce live in the engine's functions."""

import datetime
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group, User

from regua.dunning.dates import out_of_range
from regua.dunning.models import GenerationType, GroupBy
from regua.dunning.selection import Filters
from regua.letters.models import LetterTemplate
from regua.receivables.models import Branch, CollectionType


class DateInput(forms.DateInput):
    """The browser's date picker, which speaks ISO dates whatever the language."""

    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def accepted_date(day: datetime.date) -> None:
    problem = out_of_range(day)
    if problem:
        raise forms.ValidationError(problem[:1].upper() + problem[1:] + ".")


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
    send_boleto = forms.BooleanField(
        label="Enviar boleto",
        required=False,
        help_text="anexa ao e-mail o boleto de cada título com código de barras válido",
    )
    active = forms.BooleanField(label="Ativa", required=False, initial=True)
    # The A/B split (issue 16): both or neither, checked by save_range.
    template_b = forms.ModelChoiceField(
        label="Modelo B (teste A/B)",
        queryset=LetterTemplate.objects.order_by("number"),
        required=False,
        empty_label="sem teste A/B",
        help_text="um segundo modelo para parte dos clientes desta faixa",
    )
    share = forms.IntegerField(
        label="Clientes no modelo B (%)",
        required=False,
        min_value=1,
        max_value=99,
        help_text="de 1 a 99; o lado de cada cliente é sorteado uma vez e mantido",
    )


class HolidayForm(forms.Form):
    date = forms.DateField(label="Data", widget=DateInput())
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


def codes(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.strip() for c in text.replace(";", ",").split(",") if c.strip()))


class RunForm(forms.Form):
    """Emitir's filters (routine 1213) plus filial and agrupamento."""

    reference_date = forms.DateField(
        label="Data de referência", widget=DateInput(), validators=[accepted_date]
    )
    due_from = forms.DateField(label="Vencimento de", required=False, widget=DateInput())
    due_to = forms.DateField(label="Vencimento até", required=False, widget=DateInput())
    issued_from = forms.DateField(label="Emissão de", required=False, widget=DateInput())
    issued_to = forms.DateField(label="Emissão até", required=False, widget=DateInput())
    collections = forms.MultipleChoiceField(
        label="Cobrança", required=False, help_text="nenhuma marcada: todas"
    )
    customers = forms.CharField(
        label="Clientes", required=False, help_text="códigos separados por vírgula"
    )
    branch = forms.ChoiceField(label="Filial", required=False)
    group_by = forms.ChoiceField(label="Agrupamento", choices=GroupBy.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["collections"]).choices = [
            (c.code, str(c)) for c in CollectionType.objects.filter(dunnable=True)
        ]
        cast(forms.ChoiceField, self.fields["branch"]).choices = [("", "Todas")] + [
            (b.code, str(b)) for b in Branch.objects.all()
        ]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            due_from=data["due_from"],
            due_to=data["due_to"],
            issued_from=data["issued_from"],
            issued_to=data["issued_to"],
            collections=tuple(data["collections"]),
            customers=codes(data["customers"]),
            branch=data["branch"] or None,
        )
