"""Every URL of the pages, for every role: 200, a redirect to the login, or 403 (R11)."""

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, reverse

from regua.web import urls as web_urls
from regua.web.tests.conftest import make_user
from regua.web.tests.world import make_world

RANK = {"anonymous": 0, "user": 1, "operator": 2, "supervisor": 3, "administrator": 4}

# name -> (method, kwargs from the world, who may use it). "public" pages answer
# everybody; "public-redirect" ones answer everybody with a redirect.
MATRIX: dict[str, tuple[Any, ...]] = {
    "login": ("GET", {}, "public"),
    "logout": ("POST", {}, "public-redirect"),
    "set_language": ("POST", {}, "public-redirect"),
    "dashboard": ("GET", {}, "user"),
    "customers": ("GET", {}, "operator"),
    "customer": ("GET", {"pk": "customer"}, "operator"),
    "customer_tab": ("GET", {"pk": "customer", "tab": "history"}, "operator"),
    "customer_pause": ("POST", {"pk": "customer"}, "operator"),  # empty: back with the errors
    "receivable_search": ("GET", {}, "operator"),
    "customers_without_email": ("GET", {}, "operator"),
    "receivable": ("GET", {"pk": "receivable"}, "operator"),
    "receivable_pause": ("POST", {"pk": "receivable"}, "operator"),
    "pause_lift": ("POST", {"pk": "pause"}, "operator"),
    "notice": ("GET", {"pk": "notice"}, "operator"),
    "history_export": ("GET", {"fmt": "csv"}, "operator"),
    "effectiveness": ("GET", {}, "operator"),
    "effectiveness_export": ("GET", {"fmt": "csv-br"}, "operator"),
    "notice_pdf": ("GET", {"pk": "notice"}, "operator"),
    "users": ("GET", {}, "administrator"),
    "user_create": ("GET", {}, "administrator"),
    "user_edit": ("GET", {"pk": "user"}, "administrator"),
    "run_new": ("GET", {}, "operator"),
    "run": ("GET", {"pk": "run"}, "operator"),
    "run_progress": ("GET", {"pk": "run"}, "operator"),
    "review": ("GET", {}, "supervisor"),
    "review_letter_pdf": ("GET", {"pk": "notice"}, "supervisor"),
    "review_batch_pdf": ("GET", {"pk": "run"}, "supervisor", 302),  # none held: back to the list
    "review_approve": ("POST", {"pk": "notice"}, "supervisor"),
    "review_bulk": ("POST", {}, "supervisor"),  # nothing ticked: back with the message
    "review_batch": ("GET", {"pk": "review_batch"}, "supervisor"),
    "review_discard": ("POST", {"pk": "notice"}, "supervisor"),
    "print_queue": ("GET", {}, "supervisor"),
    "print_batch_create": ("POST", {}, "supervisor"),  # empty queue: back with the message
    "print_batch": ("GET", {"number": 7}, "supervisor"),
    "print_batch_pdf": ("POST", {"number": 7}, "supervisor"),  # no letters: back to the batch
    "print_batch_posted": ("POST", {"number": 7}, "supervisor"),
    "notice_returned": ("POST", {"pk": "notice"}, "supervisor"),  # not posted: refused, back
    "pending": ("GET", {}, "supervisor"),
    "notice_resend": ("POST", {"pk": "notice"}, "supervisor"),
    "notice_discard": ("POST", {"pk": "notice"}, "supervisor"),
    "ranges": ("GET", {}, "supervisor"),
    "range_add": ("GET", {}, "supervisor"),
    "range_edit": ("GET", {"pk": "delay_range"}, "supervisor"),
    "range_remove": ("POST", {"pk": "spare_range"}, "supervisor"),
    "holidays": ("GET", {}, "supervisor"),
    "holiday_remove": ("POST", {"pk": "holiday"}, "supervisor"),
    "schedules": ("GET", {}, "supervisor"),
    "schedule_remove": ("POST", {"pk": "schedule"}, "supervisor"),
    "templates": ("GET", {}, "supervisor"),
    "template_edit": ("GET", {"number": 1}, "supervisor"),
    "template_preview": ("POST", {"number": 1}, "supervisor", 200),  # a fragment
    "template_preview_pdf": ("POST", {"number": 1}, "supervisor", 400),  # empty: its problems
    "import": ("GET", {}, "supervisor"),
    "import_confirm": ("POST", {}, "supervisor"),
    "email_settings": ("GET", {}, "administrator"),
    "email_test": ("POST", {}, "administrator", 200),  # an empty form shows its errors
    "captured_emails": ("GET", {}, "operator"),
    "captured_email": ("GET", {"pk": "captured"}, "operator"),
}


def url_names(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from url_names(p.url_patterns)
        elif isinstance(p, URLPattern) and p.name:
            yield p.name


def test_every_url_of_the_pages_has_an_entry_in_the_matrix():
    names = set(url_names(web_urls.urlpatterns))
    assert names - set(MATRIX) == set(), "add these URLs to the matrix"
    assert set(MATRIX) - names == set()


def expected(entry, role):
    method, _, who, *ok = entry
    if who == "public":
        return 200
    if who == "public-redirect":
        return 302
    if role == "anonymous":
        return "login"
    allowed = ok[0] if ok else 302 if method == "POST" else 200  # a post redirects once done
    return allowed if RANK[role] >= RANK[who] else 403


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "user", "operator", "supervisor", "administrator"])
def test_each_role_gets_what_its_permissions_allow(client, role):
    admin = make_user("chefe", "administrator")
    world = make_world(admin)
    user = None if role == "anonymous" else make_user(f"u_{role}", None if role == "user" else role)
    failures = []
    for name, entry in MATRIX.items():
        if user is not None:
            client.force_login(user)  # again: the logout entry signs out
        method, kwargs = entry[:2]
        args = {k: world.arg(v) for k, v in kwargs.items()}
        url = reverse(name, kwargs=args)
        response = client.post(url) if method == "POST" else client.get(url)
        want = expected(entry, role)
        if want == "login":
            ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
        else:
            ok = response.status_code == want
        if not ok:
            failures.append((name, want, response.status_code))
    assert failures == []
