"""Moving an HTML e-mail template's CSS into style="" attributes, once, when it is saved.

Gmail and Outlook ignore most <style> rules, so each element carries its own
style. The template is still Jinja source at that point: an HTML parser would
move ``{% for %}`` tags out of a table (HTML's "foster parenting") and escape
the quotes inside ``{{ }}``. So every Jinja construct is swapped for a marker
the parser leaves alone (a comment for statements, a plain word for
expressions), and put back after; if a marker got lost or moved the template
is refused rather than stored broken.
"""

import re
import secrets

import css_inline

_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)

# Never fetch a stylesheet from the network on save; keep @media rules in a
# <style> element for the clients that understand them.
_INLINER = css_inline.CSSInliner(
    load_remote_stylesheets=False, keep_at_rules=True, keep_link_tags=False
)


class InliningError(ValueError):
    pass


def inline_css(source: str) -> str:
    """``source`` with the rules of its <style> elements written into each element."""
    if not source.strip():
        return ""
    tag = "rgj" + secrets.token_hex(4)
    constructs: list[str] = []

    def protect(match: re.Match[str]) -> str:
        constructs.append(match.group(0))
        marker = f"{tag}x{len(constructs) - 1}x"
        return marker if match.group(0).startswith("{{") else f"<!--{marker}-->"

    try:
        inlined = _INLINER.inline(_JINJA.sub(protect, source))
    except (css_inline.InlineError, ValueError) as exc:
        raise InliningError(f"CSS inválido: {exc}") from None

    found: list[int] = []
    marker = re.compile(rf"<!--{tag}x(\d+)x-->|{tag}x(\d+)x")

    def restore(match: re.Match[str]) -> str:
        index = int(match.group(1) or match.group(2))
        found.append(index)
        return constructs[index]

    result = marker.sub(restore, inlined)
    if found != list(range(len(constructs))):
        lost = next(
            (constructs[i] for i in range(len(constructs)) if i >= len(found) or found[i] != i),
            "",
        )
        raise InliningError(
            "o HTML não pôde receber o CSS sem mover o trecho "
            f"{lost[:60]!r}: coloque as marcas Jinja dentro das células da tabela "
            "ou entre elementos, nunca dentro de uma marca HTML"
        )
    return result
