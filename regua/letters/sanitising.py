"""What a template's HTML may hold once rendered: an allow-list, enforced by nh3.

A template is written by staff and filled with customer data; what it renders
goes into the package's own layouts (the A4 letter, the e-mail) and from there
to WeasyPrint and to customers' mail programs. Neither may be made to read a
file or the network. So the rendered HTML keeps only text-formatting tags and
their presentational attributes: no ``<link>``, ``<object>``, ``<embed>``,
``<iframe>``, ``<script>``, ``<base>``, no ``rel`` (``rel="attachment"`` makes
WeasyPrint embed the file it names), images only from ``data:image/…`` (the PIX
QR Code) or ``cid:`` (the same image attached to the e-mail), links only to
``http(s):``, ``mailto:`` and ``tel:``. ``<style>`` elements and ``style``
attributes stay (the phone layout needs media queries) with every way CSS has
to name a resource taken out: ``url(``, ``image-set(`` and friends, ``@import``,
whatever CSS escapes or comments spell them with.

The fetcher of ``pdf.py`` is the last guard behind this one.
"""

import html
import re

import nh3

TAGS = frozenset(
    {
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "b",
        "big",
        "blockquote",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "font",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "i",
        "img",
        "ins",
        "li",
        "main",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "section",
        "small",
        "span",
        "strike",
        "strong",
        "style",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "wbr",
    }
)
# Removed with everything inside them (the others lose the tag, keep the text).
CLEAN_CONTENT_TAGS = frozenset(
    {
        "script",
        "title",
        "svg",
        "math",
        "object",
        "iframe",
        "noscript",
        "noembed",
        "noframes",
        "template",
        "textarea",
        "select",
        "xmp",
    }
)
_GENERIC = {
    "align",
    "bgcolor",
    "class",
    "dir",
    "height",
    "id",
    "lang",
    "role",
    "style",
    "title",
    "valign",
    "width",
}
ATTRIBUTES: dict[str, set[str]] = {
    "*": _GENERIC,
    "a": {"href", "name", "target"},
    "img": {"src", "alt", "border"},
    "table": {"border", "cellpadding", "cellspacing", "summary"},
    "td": {"colspan", "rowspan", "nowrap", "scope", "headers", "abbr"},
    "th": {"colspan", "rowspan", "nowrap", "scope", "headers", "abbr"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value"},
    "font": {"color", "face", "size"},
    "time": {"datetime"},
}

_CLEANER = nh3.Cleaner(
    tags=set(TAGS),
    clean_content_tags=set(CLEAN_CONTENT_TAGS),
    attributes=ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel", "data", "cid"},
    link_rel=None,
    strip_comments=True,
)
# What the cleaner writes is regular: one space before each attribute, its name
# in lower case, its value in double quotes with every '"' written &quot;. So
# the attributes still to check are found by their text, and only those that
# need it (a Python call for every attribute would cost as much as the
# cleaning). Only <img> may have src and only <a> href.
_OTHER_SOURCE = re.compile(r' src="(?!data:image/|cid:)[^"]*"')
_OTHER_LINK = re.compile(r' href="(?!https?:|mailto:|tel:|#)[^"]*"')
_RISKY_STYLE = re.compile(r' style="([^"]*?(?:[\\(@<]|/\*)[^"]*)"')


def _style_attribute(match: re.Match[str]) -> str:
    css = clean_css(html.unescape(match.group(1)))
    return ' style="' + css.replace("&", "&amp;").replace('"', "&quot;") + '"'


# CSS, read as a CSS parser reads it: comments first, then escapes.
_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.DOTALL)
_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)|\\$", re.DOTALL)
# Every CSS function that takes a URL (or a string read as one), and
# expression() of old Internet Explorer.
_URL_NAMES = (
    r"(?:url|src|image|image-set|-webkit-image-set|cross-fade|-webkit-cross-fade|element"
    r"|expression)\s*\("
)
_URL_CALL = re.compile(_URL_NAMES + r"""\s*(?:"[^"]*"|'[^']*'|[^)"']*)\s*\)""", re.IGNORECASE)
_URL_FUNCTION = re.compile(_URL_NAMES, re.IGNORECASE)
_AT_IMPORT = re.compile(r"@import\b[^;{}]*;?", re.IGNORECASE)
_AT_RULE_WITH_URL = re.compile(r"@(?:namespace|charset)\b[^;{}]*;?", re.IGNORECASE)


# Every construct below needs one of these: an escape, a comment, a function
# call, an at-rule, or the start of a tag.
_RISKY = re.compile(r"[\\(@<]|/\*")


def _unescape(match: re.Match[str]) -> str:
    if match.group(1):
        code = int(match.group(1), 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return match.group(2) or ""


def clean_css(css: str) -> str:
    """``css`` with no way left to load anything: no ``url(``-like function, no ``@import``.

    Escapes are decoded (``\\75 rl(`` is ``url(``) and no backslash is left
    behind, so what is checked here is what a browser or WeasyPrint reads;
    ``<`` goes too, so the text can never close its ``<style>`` element.
    """
    if not _RISKY.search(css):  # most style="" attributes: nothing that could name a file
        return css
    css = _COMMENT.sub(" ", css)
    css = _ESCAPE.sub(_unescape, css).replace("\\", "")
    css = _COMMENT.sub(" ", css)
    css = css.replace("<", "")
    css = _AT_IMPORT.sub("", css)
    css = _AT_RULE_WITH_URL.sub("", css)
    css = _URL_CALL.sub("none", css)
    previous = None
    while previous != css:  # "uurl(rl(" must not come back as "url("
        previous = css
        css = _URL_FUNCTION.sub("", css)
    return css


_STYLE_ELEMENT = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.IGNORECASE | re.DOTALL)


def clean_html(source: str) -> str:
    """The template's rendered HTML with only what the allow-list keeps."""
    cleaned = _CLEANER.clean(source)
    cleaned = _OTHER_SOURCE.sub("", cleaned)
    cleaned = _OTHER_LINK.sub("", cleaned)
    cleaned = _RISKY_STYLE.sub(_style_attribute, cleaned)
    if "<style" not in cleaned:
        return cleaned
    return _STYLE_ELEMENT.sub(lambda m: m.group(1) + clean_css(m.group(2)) + m.group(3), cleaned)


def split_styles(cleaned: str) -> tuple[str, str]:
    """The ``<style>`` elements of cleaned HTML, and the rest, for a layout's ``<head>``."""
    styles = [m.group(0) for m in _STYLE_ELEMENT.finditer(cleaned)]
    return "\n".join(styles), _STYLE_ELEMENT.sub("", cleaned)
