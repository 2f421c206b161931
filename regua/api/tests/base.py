"""Users, permissions and tokens for the API tests."""

from typing import Any

from django.contrib.auth.models import Permission, User

from regua.api.tokens import create_token


def make_user(username: str, *perms: str, **fields) -> User:
    """A user holding exactly ``perms`` ("app_label.codename")."""
    # No password: API users need none, and hashing one costs each test a second.
    user = User.objects.create_user(username, **fields)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_token(user: User, name: str = "ERP") -> str:
    _, secret = create_token(user, name, by="admin")
    return secret


def bearer(secret: str) -> Any:
    """Keyword arguments for the test client carrying the token."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
