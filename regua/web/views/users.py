"""Usuários (routine 530): administrators create users, assign groups, deactivate."""

from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from regua.access.permissions import check_may_change_user
from regua.audit import log
from regua.web.forms import UserCreateForm, UserEditForm
from regua.web.permissions import acting_name, requires


def _group_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@requires("audit.manage_users")
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.prefetch_related("groups").order_by("username")
    return render(request, "web/users.html", {"nav": "users", "users": users})


@requires("audit.manage_users")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        user.groups.set(form.cleaned_data["groups"])
        log.record(
            acting_name(request),
            "user.create",
            user,
            f"Usuário {user.username} criado.",
            {"groups": _group_names(user)},
        )
        messages.success(request, f"Usuário {user.username} criado.")
        return redirect("users")
    return render(request, "web/user_form.html", {"nav": "users", "form": form, "creating": True})


@requires("audit.manage_users")
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        check_may_change_user(request.user, user)
    except PermissionDenied as denied:
        return render(request, "web/forbidden.html", {"reason": str(denied)}, status=403)
    before_groups = _group_names(user)
    before_active = user.is_active
    form = UserEditForm(request.POST or None, instance=user, initial={"groups": user.groups.all()})
    if request.method == "POST" and form.is_valid():
        if user.pk == request.user.pk and not form.cleaned_data["is_active"]:
            form.add_error("is_active", "Você não pode desativar o seu próprio usuário.")
        else:
            form.save()
            user.groups.set(form.cleaned_data["groups"])
            changes: dict[str, object] = {}
            if _group_names(user) != before_groups:
                changes["groups"] = [before_groups, _group_names(user)]
            if user.is_active != before_active:
                changes["is_active"] = [before_active, user.is_active]
            log.record(
                acting_name(request),
                "user.change",
                user,
                f"Usuário {user.username} alterado.",
                changes,
            )
            messages.success(request, f"Usuário {user.username} alterado.")
            return redirect("users")
    return render(
        request,
        "web/user_form.html",
        {"nav": "users", "form": form, "creating": False, "edited": user},
    )
