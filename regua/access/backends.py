"""Authentication with throttling of repeated failures (filled in by the access work)."""

from django.contrib.auth.backends import ModelBackend


class ThrottledModelBackend(ModelBackend):
    pass
