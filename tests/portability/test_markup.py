"""WordPress markup to clean HTML source."""

from samizdat.core.html import render_markdown
from samizdat.portability.markup import convert, wpautop


def rendered(content, **kwargs):
    return render_markdown(convert(content, **kwargs)).strip()


def test_wpautop_blank_lines_make_paragraphs_and_newlines_breaks():
    assert wpautop("One\ntwo\n\nThree") == "<p>One<br>\ntwo</p>\n<p>Three</p>"


def test_classic_post_gets_paragraphs():
    assert rendered("First.\n\nSecond *not emphasis*.") == "<p>First.</p>\n<p>Second *not emphasis*.</p>"


def test_block_comments_stripped():
    html = rendered("<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->")
    assert html == "<p>Hi</p>"


def test_indented_text_does_not_become_code():
    assert "<code>" not in rendered("Para.\n\n    indented words")


def test_pre_keeps_blank_lines():
    assert "<pre>a\n\nb</pre>" in rendered("<pre>a\n\nb</pre>")


def test_caption_shortcode_becomes_figure():
    source = convert('[caption id="x" width="300"]<img src="https://e.example/a.jpg" alt="A"> A cat[/caption]')
    assert "".join(source.split("\n")) == (
        '<figure><img src="https://e.example/a.jpg" alt="A"><figcaption>A cat</figcaption></figure>'
    )


def test_gallery_shortcode_uses_known_attachments():
    urls = {"5": "/media/a.jpg", "6": None}
    html = rendered('[gallery ids="5,6"]', resolve_attachment=urls.get)
    assert '<img src="/media/a.jpg" alt="">' in html


def test_gallery_without_known_images_removed_and_reported():
    notes = []
    assert rendered("[gallery]", report=notes.append) == "" and notes


def test_embed_shortcode_becomes_a_link_not_an_iframe():
    html = rendered("[embed]https://video.example/v/1[/embed]")
    assert '<a href="https://video.example/v/1"' in html and "iframe" not in html


def test_scripts_and_event_handlers_removed():
    html = rendered('<p onclick="x()">Hi</p><script>alert(1)</script>')
    assert html == "<p>Hi</p>"


def test_h1_in_content_becomes_h2():
    assert rendered("<h1>Title</h1>") == "<h2>Title</h2>"
