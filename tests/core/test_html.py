import pytest

from samizdat.core.html import render_markdown, sanitize_html


@pytest.mark.parametrize(
    "dirty, forbidden",
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<p style="background:url(http://evil.test/x)">x</p>', "style"),
        ('<iframe src="https://evil.test/"></iframe>', "<iframe"),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<form action="https://evil.test/"><input name=x></form>', "<form"),
        ("<style>body{display:none}</style>", "<style"),
    ],
)
def test_sanitize_html_removes_dangerous_markup(dirty, forbidden):
    assert forbidden.lower() not in sanitize_html(dirty).lower()


def test_markdown_keeps_formatting_readers_expect():
    html = render_markdown("**bold** _em_ `code`\n\n> quote\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |")
    for fragment in ("<strong>bold</strong>", "<em>em</em>", "<code>code</code>", "<blockquote>", "<li>a</li>", "<td>1</td>"):
        assert fragment in html


def test_markdown_inline_script_does_not_survive():
    html = render_markdown('Hello <script>alert(1)</script><img src=x onerror=alert(2)> [a](javascript:alert(3))')
    assert "<script" not in html and "onerror" not in html and 'href="javascript' not in html


def test_markdown_headings_start_below_the_page_title():
    assert render_markdown("# Section").startswith("<h2>Section</h2>")


def test_markdown_footnotes_link_both_ways():
    html = render_markdown("Claim[^1]\n\n[^1]: Source.")
    assert 'href="#fn1"' in html and 'href="#fnref1"' in html


def test_markdown_table_column_alignment_survives_sanitizing():
    html = render_markdown("| n | name |\n|--:|:--|\n| 1 | a |")
    assert '<td align="right">1</td>' in html and "style" not in html


def test_markdown_image_on_another_host_becomes_a_link():
    html = render_markdown('![Crowd at the gate](https://tracker.example/p.jpg) <img src="//cdn.example/x.png">')
    assert "<img" not in html
    assert '<a href="https://tracker.example/p.jpg" class="remote-image" rel="noopener nofollow">Crowd at the gate</a>' in html
    assert 'href="//cdn.example/x.png"' in html


def test_markdown_image_on_our_own_host_stays_an_image(settings):
    settings.SITE_URL = "https://news.example"
    html = render_markdown("![a](/media/a.jpg) ![b](https://news.example/media/b.jpg)")
    assert html.count("<img") == 2
