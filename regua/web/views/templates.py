"""Modelos: edit the three letter templates with a live preview on sample data."""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from regua.letters import blocks, sandbox
from regua.letters.demand import demand_warnings
from regua.letters.editing import save_template
from regua.letters.models import TEMPLATE_PARTS, LetterTemplate
from regua.letters.rendering import preview
from regua.letters.sandbox import TemplateInvalid
from regua.web.permissions import requires

BLOCKS_MODE = "blocos"


class TemplateForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=100, required=False)
    # Absent (the API's and the import's way, or an old form): the Jinja as given.
    mode = forms.ChoiceField(
        label="Como editar",
        required=False,
        choices=[
            (BLOCKS_MODE, "Blocos de texto, com marcadores como [valor total vencido]"),
            ("jinja", "Jinja completo (avançado)"),
        ],
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label="Assunto", max_length=300, required=False)
    body_text = forms.CharField(
        label="E-mail (texto)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    body_html = forms.CharField(
        label="E-mail (HTML)",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    letter_html = forms.CharField(
        label="Carta (HTML)", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 12})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for block in blocks.BLOCKS:
            widget: forms.Widget = (
                forms.TextInput(attrs={"class": "block-text"})
                if block == "block_subject"
                else forms.Textarea(attrs={"rows": 3, "class": "block-text"})
            )
            self.fields[block] = forms.CharField(
                label=sandbox.BLOCK_LABELS[block],
                required=False,
                max_length=300 if block == "block_subject" else 5000,
                widget=widget,
            )

    def block_fields(self) -> list[forms.BoundField]:
        return [self[block] for block in blocks.BLOCKS]

    def jinja_fields(self) -> list[forms.BoundField]:
        return [self[part] for part in TEMPLATE_PARTS if part != "name"]

    def parts(self) -> dict[str, Any]:
        """What ``save_template`` takes: the Jinja parts, the blocks and the switch."""
        values: dict[str, Any] = {
            part: self.cleaned_data.get(part) or "" for part in TEMPLATE_PARTS
        }
        # Blocks the page did not show (a template of its own Jinja) keep what is stored.
        values.update(
            {
                block: self.cleaned_data.get(block) or ""
                for block in blocks.BLOCKS
                if self.add_prefix(block) in self.data
            }
        )
        values["uses_blocks"] = self.cleaned_data.get("mode") == BLOCKS_MODE
        return values


def _initial(template: LetterTemplate) -> dict[str, Any]:
    """The saved template; blocks never written start from the suggested wording."""
    initial: dict[str, Any] = {part: getattr(template, part) for part in TEMPLATE_PARTS}
    written = {block: getattr(template, block) for block in blocks.BLOCKS}
    if not any(written.values()):
        written = dict(blocks.SUGGESTED_BLOCKS.get(template.number, {}))
    initial.update(written)
    initial["mode"] = BLOCKS_MODE if template.uses_blocks else "jinja"
    return initial


@requires("letters.manage_templates")
def template_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/templates.html",
        {"nav": "templates", "letter_templates": LetterTemplate.objects.order_by("number")},
    )


@requires("letters.manage_templates")
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, number: int) -> HttpResponse:
    template = get_object_or_404(LetterTemplate, number=number)
    initial = _initial(template)
    if request.GET.get("modo") == BLOCKS_MODE:  # "Editar por blocos de texto"
        initial["mode"] = BLOCKS_MODE
    form = TemplateForm(request.POST or None, initial=initial)
    problems: list[sandbox.TemplateProblem] = []
    if request.method == "POST" and form.is_valid():
        try:
            save_template(number, form.parts(), request.user)
        except TemplateInvalid as error:
            problems = error.problems
        else:
            messages.success(request, f"Modelo {number} salvo.")
            for warning in demand_warnings(blocks.resolved(form.parts())):
                messages.warning(request, warning)
            return redirect("templates")
    uses_blocks = form["mode"].value() == BLOCKS_MODE
    return render(
        request,
        "web/template_edit.html",
        {
            "nav": "templates",
            "template": template,
            "form": form,
            "problems": problems,
            "variables": sandbox.VARIABLES,
            "placeholders": blocks.PLACEHOLDERS,
            # Blocks shown: the Jinja is the advanced view, closed unless it has a problem.
            # A template of its own Jinja shows that Jinja, and a way to the blocks.
            "uses_blocks": uses_blocks,
            "advanced_open": not uses_blocks or any(p.part in TEMPLATE_PARTS for p in problems),
            "filters": sandbox.FILTERS,
        },
    )


def _preview_of(request: HttpRequest) -> tuple[TemplateForm, object, list[sandbox.TemplateProblem]]:
    form = TemplateForm(request.POST)
    form.is_valid()
    try:
        return form, preview(blocks.resolved(form.parts()), with_pdf=False), []
    except TemplateInvalid as error:
        return form, None, error.problems


@requires("letters.manage_templates")
@require_POST
def template_preview(request: HttpRequest, number: int) -> HttpResponse:
    """The htmx fragment of the live preview (nothing is saved)."""
    get_object_or_404(LetterTemplate, number=number)
    _, rendered, problems = _preview_of(request)
    return render(
        request,
        "web/_template_preview.html",
        {"rendered": rendered, "problems": problems, "number": number},
    )


@requires("letters.manage_templates")
@require_POST
def template_preview_pdf(request: HttpRequest, number: int) -> HttpResponse:
    """The letter of the edited (unsaved) template on sample data, as PDF."""
    get_object_or_404(LetterTemplate, number=number)
    form = TemplateForm(request.POST)
    form.is_valid()
    try:
        rendered = preview(blocks.resolved(form.parts()), with_pdf=True)
    except TemplateInvalid as error:
        return render(
            request,
            "web/_template_preview.html",
            {"rendered": None, "problems": error.problems, "number": number},
            status=400,
        )
    response = HttpResponse(rendered.pdf or b"", content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="modelo-{number}-exemplo.pdf"'
    return response
