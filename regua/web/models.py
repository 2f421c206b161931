"""The web app keeps no tables of its own.

This module exists so that Django sends ``post_migrate`` for this app (it does
so only for apps with a models module): the seeded groups are refreshed there,
after the permissions of the apps listed before it have been created.
"""
