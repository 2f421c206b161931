"""Modelos: edit the three letter templates with a live preview on sample data."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from regua.letters import sandbox
from regua.letters.demand import demand_warnings
from regua.letters.editing import save_template
from regua.letters.models import TEMPLATE_PARTS, LetterTemplate
from regua.letters.rendering import preview
from regua.letters.sandbox import TemplateInvalid
from regua.web.permissions import requires


class TemplateForm(forms.Form):
    name = forms.CharField(label="Nome", max_length=100, required=False)
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

    def parts(self) -> dict[str, str]:
        return {part: self.cleaned_data.get(part) or "" for part in TEMPLATE_PARTS}


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
    initial = {part: getattr(template, part) for part in TEMPLATE_PARTS}
    form = TemplateForm(request.POST or None, initial=initial)
    problems: list[sandbox.TemplateProblem] = []
    if request.method == "POST" and form.is_valid():
        try:
            save_template(number, form.parts(), request.user)
        except TemplateInvalid as error:
            problems = error.problems
        else:
            messages.success(request, f"Modelo {number} salvo.")
            for warning in demand_warnings(form.parts()):
                messages.warning(request, warning)
            return redirect("templates")
    return render(
        request,
        "web/template_edit.html",
        {
            "nav": "templates",
            "template": template,
            "form": form,
            "problems": problems,
            "variables": sandbox.VARIABLES,
            "filters": sandbox.FILTERS,
        },
    )


def _preview_of(request: HttpRequest) -> tuple[TemplateForm, object, list[sandbox.TemplateProblem]]:
    form = TemplateForm(request.POST)
    form.is_valid()
    try:
        return form, preview(form.parts(), with_pdf=False), []
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
        rendered = preview(form.parts(), with_pdf=True)
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
