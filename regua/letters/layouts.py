"""The package's own HTML around a template's: the A4 letter's frame and the e-mail's page.

Both are ours, not the template's. The letter's frame (``jinja/letter.html``)
carries the creditor's legal name, CNPJ and address (CDC art. 42-A), the
customer's address where a window envelope shows it, and "Página X de Y"; the
e-mail's page gives the document its head. What the template rendered enters
either only through :func:`regua.letters.sanitising.clean_html`.
"""

from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from regua.letters import formatting
from regua.letters.sandbox import OWN_FILTERS
from regua.letters.sanitising import clean_html, split_styles

_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).resolve().parent / "jinja"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
_ENV.filters.update(OWN_FILTERS)


def letter_html(context: dict[str, Any], content: str) -> str:
    """The whole HTML document of a letter around the template's rendered ``content``."""
    # Cleaned by the allow-list, the content is HTML fit to go in as it is.
    safe = Markup(clean_html(content))  # noqa: S704
    branch = context["branch"]
    sender = formatting.return_line(branch.legal_name, branch.address, branch.city, branch.state)
    return _ENV.get_template("letter.html").render(**context, content=safe, return_line=sender)


def email_html(context: dict[str, Any], content: str) -> str:
    """The whole HTML document of an e-mail; the template's ``<style>`` go to its head."""
    styles, body = split_styles(clean_html(content))
    return _ENV.get_template("email.html").render(
        **context,
        styles=Markup(styles),  # noqa: S704 - cleaned above
        content=Markup(body),  # noqa: S704 - cleaned above
    )
