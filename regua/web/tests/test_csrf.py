"""Every form that posts is refused without its CSRF token."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from regua.web.tests.conftest import make_user
from regua.web.tests.test_url_matrix import MATRIX
from regua.web.tests.world import make_world


class PostTargets(HTMLParser):
    """The URLs a page posts to: <form method=post action> and hx-post attributes."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url = page_url
        self.targets = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.targets.add(a.get("action") or self.page_url)
        if a.get("hx-post"):
            self.targets.add(a["hx-post"])


def post_targets_of_every_page(client, world):
    targets = set()
    for name, (method, kwargs, *_) in MATRIX.items():
        if method != "GET":
            continue
        args = {k: world.arg(v) for k, v in kwargs.items()}
        url = reverse(name, kwargs=args)
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            parser = PostTargets(url)
            parser.feed(response.content.decode())
            targets |= parser.targets
    return targets


@pytest.mark.django_db
def test_every_post_form_of_the_pages_is_refused_without_a_csrf_token():
    admin = make_user("chefe", "administrator")
    world = make_world(admin)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    targets = post_targets_of_every_page(client, world)
    assert reverse("logout") in targets  # the crawl does find the forms
    refused = {}
    for url in sorted(targets):
        client.force_login(admin)
        response = client.post(url, {"x": "1"})
        refused[url] = response.status_code
    assert {url: code for url, code in refused.items() if code != 403} == {}


@pytest.mark.django_db
def test_a_form_posted_with_its_token_is_accepted(client):
    admin = make_user("chefe", "administrator")
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    page = client.get(reverse("user_create"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("user_create"),
        {
            "username": "novo",
            "password1": "Xy7-segura-2026",
            "password2": "Xy7-segura-2026",
            "csrfmiddlewaretoken": str(token),
        },
    )
    assert response.status_code == 302
