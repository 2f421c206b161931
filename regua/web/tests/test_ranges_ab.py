"""Faixas: the A/B split of models (issue 16) on the range form and list."""

import pytest
from django.urls import reverse

from regua.dunning.models import DelayRange
from regua.letters.models import LetterTemplate
from regua.web.tests.test_ranges import form

pytestmark = pytest.mark.django_db


def test_a_range_names_a_model_b_and_a_share_and_the_form_shows_them_when_edited(
    client, supervisor
):
    client.force_login(supervisor)
    model_3 = LetterTemplate.objects.get(number=3)
    response = client.post(reverse("range_add"), form(1, 15, template_b=model_3.pk, share="20"))
    assert response.status_code == 302
    saved = DelayRange.objects.get()
    assert (saved.template_b, saved.share) == (model_3, 20)
    assert saved.ab_salt

    listing = client.get(reverse("ranges")).content.decode()
    assert f"teste A/B: {model_3} para 20% dos clientes" in listing
    page = client.get(reverse("range_edit", args=[saved.pk])).content.decode()
    assert 'name="share" value="20"' in page
    assert f'<option value="{model_3.pk}" selected>' in page

    # Emptied on the form, the split is gone.
    client.post(reverse("range_edit", args=[saved.pk]), form(1, 15))
    saved.refresh_from_db()
    assert (saved.template_b, saved.share) == (None, None)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"share": "20"}, "um não vale sem o outro"),
        (
            {"template_b": 2, "share": "100"},
            "Certifique-se que este valor seja menor ou igual a 99",
        ),
        ({"template_b": 1, "share": "50"}, "O modelo B deve ser diferente do modelo da faixa."),
    ],
)
def test_a_bad_split_is_refused_on_the_form_with_a_message(client, supervisor, extra, message):
    client.force_login(supervisor)
    if "template_b" in extra:
        extra["template_b"] = LetterTemplate.objects.get(number=extra["template_b"]).pk
    response = client.post(reverse("range_add"), form(1, 15, **extra))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not DelayRange.objects.exists()
