"""Uploaded files kept between the validation pass and the confirmed import.

The file lives under MEDIA_ROOT/imports with a random name; the session alone
knows which file belongs to whom, so no path ever comes from the browser.
"""

import datetime
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest

from regua.receivables.importing import ImportResult, import_file

SESSION_KEY = "regua_imports"
# Uploads checked but never confirmed are removed after this long.
KEEP_FOR = datetime.timedelta(hours=12)


class _RolledBack(Exception):
    def __init__(self, result: ImportResult) -> None:
        super().__init__("validation pass")
        self.result = result


def _folder() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def forget_abandoned_uploads() -> int:
    """Delete kept files older than KEEP_FOR; returns how many."""
    limit = time.time() - KEEP_FOR.total_seconds()
    removed = 0
    for path in _folder().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def keep_upload(request: HttpRequest, upload: UploadedFile, options: dict[str, Any]) -> str:
    forget_abandoned_uploads()
    token = secrets.token_hex(16)
    with open(_folder() / token, "wb") as f:
        for chunk in upload.chunks():
            f.write(chunk)
    kept = request.session.get(SESSION_KEY, {})
    kept[token] = {"filename": upload.name or "", **options}
    request.session[SESSION_KEY] = kept
    return token


def kept_upload(request: HttpRequest, token: str) -> dict[str, Any] | None:
    meta = request.session.get(SESSION_KEY, {}).get(token)
    if meta is None or not (_folder() / token).is_file():
        return None
    return dict(meta)


def forget_upload(request: HttpRequest, token: str) -> None:
    kept = request.session.get(SESSION_KEY, {})
    kept.pop(token, None)
    request.session[SESSION_KEY] = kept
    (_folder() / token).unlink(missing_ok=True)


def run_import(token: str, meta: dict[str, Any], user: str, *, dry_run: bool) -> ImportResult:
    """Import the kept file; a dry run is the real import inside a rolled-back transaction."""
    with open(_folder() / token, "rb") as stream:
        if not dry_run:
            return import_file(
                meta["kind"],
                stream,
                filename=meta["filename"],
                user=user,
                snapshot=meta["snapshot"],
                skip_invalid=meta["skip_invalid"],
            )
        try:
            with transaction.atomic():
                result = import_file(
                    meta["kind"],
                    stream,
                    filename=meta["filename"],
                    user=user,
                    snapshot=meta["snapshot"],
                    skip_invalid=meta["skip_invalid"],
                )
                raise _RolledBack(result)
        except _RolledBack as rolled_back:
            return rolled_back.result
