"""The A4 letter: the template's "Carta (HTML)" inside a fixed frame, through WeasyPrint.

The frame (``jinja/letter.html`` and ``static/letters/letter.css``) is ours,
not the template's, so every letter carries the creditor's legal name, CNPJ
and address (CDC art. 42-A), the customer's address where a window envelope
shows it, and "Página X de Y". The stylesheet and its embedded font are
loaded once per process; rendering a letter costs WeasyPrint's layout and
little else. Letters only ever read the package's own static files and
``data:`` URIs: a template cannot make WeasyPrint read a file or the network.
"""

import atexit
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from regua.letters.sandbox import OWN_FILTERS

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static" / "letters"
STYLESHEET = STATIC_DIR / "letter.css"
FONT_FILE = STATIC_DIR / "fonts" / "DejaVuSans.ttf"


def allowed_url(url: str) -> bool:
    """Only ``data:`` URIs and the package's static files (the font) may be read."""
    if url.startswith("data:"):
        return True
    if url.startswith("file://"):
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        return path.is_relative_to(STATIC_DIR)
    return False


_FRAME_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "jinja"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_FRAME_ENV.filters.update(OWN_FILTERS)


@functools.lru_cache(maxsize=1)
def _resources() -> tuple[Any, Any, Any]:
    """The stylesheet with its font, loaded once per process.

    WeasyPrint is imported here, not at the top: it takes a second or two,
    which commands that never print a letter should not pay.
    """
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    class LetterFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed_url(url):
                raise ValueError(f"a carta não pode buscar {url[:80]!r}")
            return super().fetch(url, headers)

    font_config = FontConfiguration()
    # Freed before the interpreter tears WeasyPrint's C bindings down, which
    # would make FontConfiguration.__del__ fail noisily at exit.
    atexit.register(_resources.cache_clear)
    fetcher = LetterFetcher(allowed_protocols=("data", "file"))
    css = CSS(filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher)
    return css, font_config, fetcher


def letter_html(context: dict[str, Any], content: str) -> str:
    """The whole HTML document of a letter; ``content`` is the rendered, escaped template."""
    # The content comes out of the autoescaping sandbox: it is HTML already.
    return _FRAME_ENV.get_template("letter.html").render(**context, content=Markup(content))  # noqa: S704


def _document(html: str) -> Any:
    from weasyprint import HTML

    css, font_config, fetcher = _resources()
    # base_url inside the static folder: relative URLs can only point there.
    return HTML(string=html, base_url=str(STATIC_DIR) + "/", url_fetcher=fetcher).render(
        stylesheets=[css], font_config=font_config
    )


def render_pdf(html: str) -> bytes:
    """PDF bytes of a letter document. The same HTML always gives the same bytes."""
    return bytes(_document(html).write_pdf())


def combine_pdf(htmls: Sequence[str]) -> bytes:
    """Several letters in one PDF, each keeping its own "Página X de Y"."""
    if not htmls:
        return b""
    documents = [_document(html) for html in htmls]
    pages = [page for document in documents for page in document.pages]
    return bytes(documents[0].copy(pages).write_pdf())
