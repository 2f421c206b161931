"""The A4 letter through WeasyPrint: the frame of ``layouts.py`` and its stylesheet.

The stylesheet and its embedded fonts are loaded once per process; rendering
a letter costs WeasyPrint's layout and little else. A letter reads nothing but
``data:`` URIs and the three files of :data:`ALLOWED_FILES`, named exactly:
whatever a template writes (``%2e%2e/``, ``%252e``, ``file:`` in any spelling,
an absolute path, a symbolic link put in the static folder), WeasyPrint is
handed no other file and never the network.
"""

import atexit
import functools
import mimetypes
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static" / "letters"
STYLESHEET = STATIC_DIR / "letter.css"
FONT_FILE = STATIC_DIR / "fonts" / "DejaVuSans.ttf"
BOLD_FONT_FILE = STATIC_DIR / "fonts" / "DejaVuSans-Bold.ttf"
# The only files a letter may read, as absolute, normalised paths.
ALLOWED_FILES = frozenset(os.path.normpath(p) for p in (STYLESHEET, FONT_FILE, BOLD_FONT_FILE))
_MEDIA_TYPES = {".css": "text/css", ".ttf": "font/ttf"}


def _fully_decoded(text: str) -> str | None:
    """``text`` percent-decoded until nothing changes (``%252e`` is ``.``); None if it never settles."""
    for _ in range(8):
        decoded = unquote(text, errors="strict")
        if decoded == text:
            return text
        text = decoded
    return None


def allowed_file(url: str) -> str | None:
    """The path of the package file a ``file:`` URL names, or None when it names any other.

    The URL is decoded fully and normalised before it is compared, exactly,
    with :data:`ALLOWED_FILES`; the path must also be its own real path, so
    a symbolic link (to the file or to a folder above it) is refused.
    """
    try:
        decoded = _fully_decoded(url)
    except UnicodeDecodeError:
        return None
    if decoded is None or decoded[:5].lower() != "file:":
        return None
    rest = decoded[5:]
    if "?" in rest or "#" in rest:  # a query or fragment names no other file: refused all the same
        return None
    if rest.startswith("//"):
        host, slash, path = rest[2:].partition("/")
        if host.lower() not in ("", "localhost") or not slash:
            return None
        path = "/" + path
    else:
        path = rest
    if not path.startswith("/") or "\\" in path or "\x00" in path:
        return None
    normal = os.path.normpath(path)
    if normal not in ALLOWED_FILES or os.path.realpath(normal) != normal:
        return None
    return normal


def allowed_url(url: str) -> bool:
    """Only ``data:`` URIs and the package's own stylesheet and fonts may be read."""
    return url[:5].lower() == "data:" or allowed_file(url) is not None


@functools.lru_cache(maxsize=1)
def _resources() -> tuple[Any, Any, Any]:
    """The stylesheet with its font, loaded once per process.

    WeasyPrint is imported here, not at the top: it takes a second or two,
    which commands that never print a letter should not pay.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LetterFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = allowed_file(url)
            if path is None:
                raise ValueError(f"a carta não pode buscar {url[:80]!r}")
            # The file is read here, by the path checked, never by the URL:
            # nothing WeasyPrint or urllib decode afterwards can change it.
            suffix = Path(path).suffix
            media_type = _MEDIA_TYPES.get(suffix) or mimetypes.guess_type(path)[0]
            return URLFetcherResponse(
                Path(path).as_uri(),
                Path(path).read_bytes(),
                {"Content-Type": media_type or "application/octet-stream"},
            )

    font_config = FontConfiguration()
    # Freed before the interpreter tears WeasyPrint's C bindings down, which
    # would make FontConfiguration.__del__ fail noisily at exit.
    atexit.register(_resources.cache_clear)
    fetcher = LetterFetcher(allowed_protocols=("data", "file"))
    css = CSS(filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher)
    return css, font_config, fetcher


def _document(html: str) -> Any:
    from weasyprint import HTML

    css, font_config, fetcher = _resources()
    # base_url inside the static folder: relative URLs can only point there.
    return HTML(string=html, base_url=str(STATIC_DIR) + "/", url_fetcher=fetcher).render(
        stylesheets=[css], font_config=font_config
    )


# WeasyPrint (Pango, fontconfig) is not made for two threads at once: a threaded web
# server, or a worker thread beside it, renders one letter at a time per process.
_RENDERING = threading.Lock()


def render_pdf(html: str) -> bytes:
    """PDF bytes of a letter document. The same HTML always gives the same bytes."""
    with _RENDERING:
        return bytes(_document(html).write_pdf())


def combine_pdf(htmls: Sequence[str]) -> bytes:
    """Several letters in one PDF, each keeping its own "Página X de Y"."""
    if not htmls:
        return b""
    with _RENDERING:
        documents = [_document(html) for html in htmls]
        pages = [page for document in documents for page in document.pages]
        return bytes(documents[0].copy(pages).write_pdf())
