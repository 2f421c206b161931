"""Settings for the worker processes the crash tests kill: a lease of two seconds.

With the installation's five minutes, a restarted worker would wait that long
before its sweep may call a dead worker's notices uncertain. The tests want
that real sweep (``regua.delivery.worker``) to do it within seconds, so the
children run with ``DJANGO_SETTINGS_MODULE=regua.tests.short_lease``.
"""

from regua.settings import *  # noqa: F403

REGUA_DELIVERY_LEASE_SECONDS = 2
