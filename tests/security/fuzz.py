"""Hypothesis strategies for hostile text, and a checker for HTML that must be inert."""

import os
import re
from html.parser import HTMLParser

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded so the suite stays fast, and the same examples every run (no deadline either), so a
# test run passes or fails on the code alone, never on a new random draw or a busy machine.
# HYPOTHESIS_PROFILE=fuzz explores new inputs; what it finds becomes a regression test.
settings.register_profile(
    "default", max_examples=150, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

PIECES = [
    # tags, closing tags and pieces of them
    "<script>", "</script>", "<scr", "ipt>", "<SCRIPT SRC=//evil.test/x.js>", "<style>", "</style>",
    "<svg onload=alert(1)>", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src=",
    "<object data=", "<embed src=", "<form action=", "<base href=", "<link rel=stylesheet href=",
    "<meta http-equiv=refresh content='0;url=", "<img src=x onerror=alert(1)>", "<img src=",
    "<a href=", "<a href='", '<a href="', "<p style=", '<span style="', "<div ", "<details open ontoggle=",
    "<body onload=", "<!--", "-->", "<![CDATA[", "]]>", "<?", "<!DOCTYPE", "<noscript>", "<template>",
    "<textarea>", "<title>", "<xmp>", "<plaintext>", "<select><style>",
    # attributes
    " onerror=", " onclick=alert(1) ", " onmouseover=", " ONLOAD=", " style=", " style='x:expression(1)'",
    " srcset=", " formaction=", " xlink:href=", " href=", " src=", " background=", " class=", " id=",
    # schemes, plain and disguised
    "javascript:", "JaVaScRiPt:", "java\tscript:", "java\nscript:", "java&#x09;script:", " javascript:",
    "&#106;avascript:", "&#x6A;avascript:", "&#0000106;avascript:", "javascript&colon;", "jav&#97;script:",
    "vbscript:", "VBScript:", "data:", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data:image/svg+xml,", "\x00javascript:", "\x01javascript:", "%6Aavascript:", "livescript:",
    "alert(1)", "alert`1`", "//evil.test/", "http://evil.test/x.png", "https://ok.test/",
    "expression(alert(1))", "url(javascript:alert(1))", "@import 'x';",
    # Markdown that makes links, images and raw HTML
    "[x](", "](", "![i](", ")", "[x]: ", "\n[x]: ", "[x]", "<http://", "<javascript:alert(1)>", "`", "```\n",
    "**", "_", "> ", "- ", "1. ", "| a | b |\n|---|---|\n", "[^1]", "[^1]: ", "# ", "\\",
    # quoting and structure
    '"', "'", "<", ">", "/", "=", "&", "&lt;", "&gt;", "&quot;", "&#60;", "&#x3C;", "&amp;", " ",
    "\n", "\n\n",
    "\t", "\r", "\u2028", "\ufeff", "\u0000",
]

hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map("".join)

DANGEROUS_TAGS = {
    "script", "style", "iframe", "object", "embed", "form", "base", "link", "meta", "svg", "math", "frame",
    "frameset", "applet", "noscript", "template", "input", "button", "textarea", "select",
}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "background", "poster", "srcset", "xlink:href", "data",
}
_IGNORED_IN_SCHEMES = re.compile(r"[\x00-\x20\x7f]")
BAD_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name == "style":
                self.problems.append(f"{tag} style=")
            if name in URL_ATTRIBUTES:
                # Browsers ignore tabs, newlines and leading control characters in a URL's scheme.
                bare = _IGNORED_IN_SCHEMES.sub("", value or "").lower()
                if bare.startswith(BAD_SCHEMES):
                    self.problems.append(f"{tag} {name}={value!r}")

    handle_startendtag = handle_starttag


def problems_in(html):
    """What makes `html` unsafe to show: scripts, event handlers, styles or script URLs."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    lowered = html.lower()
    for raw in ("<script", "<style", "<svg", "<iframe"):
        if raw in lowered:
            collector.problems.append(f"raw {raw}")
    return collector.problems


def bounded(examples):
    """Fewer examples than the profile's for tests that write to the database, unless exploring."""


    if os.environ.get("HYPOTHESIS_PROFILE", "default") == "default":
        return settings(max_examples=examples)
    return lambda test: test
