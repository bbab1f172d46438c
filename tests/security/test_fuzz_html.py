"""Property tests: no input makes the Markdown renderer, the comment renderer or the feed's
absolute-URL pass emit a script, an event handler, a style or a script URL."""

import pytest
from hypothesis import example, given

from samizdat.comments.rendering import render_comment
from samizdat.core.html import render_markdown, sanitize_html

from .fuzz import hostile_text, problems_in


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<img src=x onerror="alert(1)">',
        '<p style="color:red">x</p>',
        '<a href=" data:text/html,x">x</a>',
        "<svg><g/></svg>",
    ],
)
def test_unsafe_html_checker_notices_each_kind_of_danger(html):
    # The properties below are only worth something if the checker sees what they forbid.
    assert problems_in(html)


def test_unsafe_html_checker_accepts_ordinary_markup():
    html = '<p><a href="https://ok.test/" rel="noopener">x</a> <img src="/media/a.png" alt=""></p>'
    assert problems_in(html) == []


@given(hostile_text)
@example("[x](javascript:alert(1))")
@example("[x](java\tscript:alert(1))")
@example("[x](&#106;avascript:alert(1))")
@example('<a href="jav&#x09;ascript:alert(1)">x</a>')
@example("![x](data:image/svg+xml,<svg onload=alert(1)>)")
@example("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>")
@example('<img src="x" style="background:url(javascript:alert(1))">')
def test_markdown_never_renders_script_handler_style_or_script_url(source):
    assert problems_in(render_markdown(source)) == []


@given(hostile_text)
@example("[x](javascript:alert(1))")
@example("<javascript:alert(1)>")
@example("[x](vbscript:msgbox(1))")
def test_comment_never_renders_script_handler_style_or_script_url(source):
    assert problems_in(render_comment(source)) == []


@given(hostile_text)
@example('<a href="java\tscript:alert(1)">x</a>')
@example('<a href="//evil.test/x">x</a>')
def test_feed_html_with_absolute_urls_never_gains_a_script_url(source):
    # Feeds re-sanitize stored HTML and make its links absolute; joining must not revive a scheme.
    html = sanitize_html(render_markdown(source), base_url="https://samizdat.example/@blog/2024/01/02/post/")
    assert problems_in(html) == []


@given(hostile_text)
def test_sanitizing_twice_changes_nothing_more(source):
    once = render_markdown(source)
    assert problems_in(sanitize_html(once)) == []
