"""A made-up WordPress export (WXR 1.2) of any size, written as it is generated.

Nothing is held in memory but the item being written, so a 10,000-post, 100,000-comment file
costs no more memory to write than a small one. Used by `make bench` (import time and memory)
and by the crash-safety and property tests.

    .venv/bin/python bench/wxrgen.py --posts 10000 --comments 10 > big.xml
"""

import argparse
import sys
from xml.sax.saxutils import escape

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Generated Union News</title>
<link>https://union.example</link>
<description>A generated WordPress export</description>
<language>en-US</language>
<wp:wxr_version>1.2</wp:wxr_version>
"""

WORDS = ("dockers strike port cranes contract night shift union wages vote harbour record hours "
         "solidarity meeting pickets ships cargo").split()


def _text(seed, words):
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words))


def author(n):
    return (f"<wp:author><wp:author_id>{n}</wp:author_id><wp:author_login>writer{n}</wp:author_login>"
            f"<wp:author_email>writer{n}@union.example</wp:author_email>"
            f"<wp:author_display_name>Writer {n}</wp:author_display_name></wp:author>\n")


def comment(post_id, n, comment_id, parent=0):
    day = 1 + n % 28
    return (
        "<wp:comment>"
        f"<wp:comment_id>{comment_id}</wp:comment_id>"
        f"<wp:comment_author>Reader {comment_id % 500}</wp:comment_author>"
        f"<wp:comment_author_email>reader{comment_id % 500}@mail.example</wp:comment_author_email>"
        "<wp:comment_author_url></wp:comment_author_url>"
        f"<wp:comment_date>2024-06-{day:02d} 12:00:00</wp:comment_date>"
        f"<wp:comment_date_gmt>2024-06-{day:02d} 12:00:00</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[Comment {comment_id}: {_text(comment_id, 25)}.]]></wp:comment_content>"
        "<wp:comment_approved>1</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent><wp:comment_user_id>0</wp:comment_user_id>"
        "</wp:comment>\n"
    )


def item(post_id, authors, comments, first_comment_id):
    month, day = 1 + post_id % 12, 1 + post_id % 28
    slug = f"report-{post_id}"
    body = "\n\n".join(f"<p>{_text(post_id + p, 60)}.</p>" for p in range(5))
    parts = [
        "<item>",
        f"<title>{escape(f'Report {post_id}: {_text(post_id, 4)}')}</title>",
        f"<link>https://union.example/2024/{month:02d}/{day:02d}/{slug}/</link>",
        f"<dc:creator>writer{1 + post_id % authors}</dc:creator>",
        f"<content:encoded><![CDATA[{body}]]></content:encoded>",
        "<excerpt:encoded><![CDATA[]]></excerpt:encoded>",
        f"<wp:post_id>{post_id}</wp:post_id>",
        f"<wp:post_date>2024-{month:02d}-{day:02d} 10:00:00</wp:post_date>",
        f"<wp:post_date_gmt>2024-{month:02d}-{day:02d} 10:00:00</wp:post_date_gmt>",
        f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>",
        "<wp:post_parent>0</wp:post_parent><wp:menu_order>0</wp:menu_order>",
        "<wp:post_type>post</wp:post_type><wp:post_password></wp:post_password>",
        f'<category domain="category" nicename="topic-{post_id % 20}"><![CDATA[Topic {post_id % 20}]]></category>',
        f'<category domain="post_tag" nicename="tag-{post_id % 50}"><![CDATA[tag {post_id % 50}]]></category>',
        "\n",
    ]
    for n in range(comments):
        comment_id = first_comment_id + n
        # Every third comment answers the one before it, so threads are imported too.
        parent = comment_id - 1 if n % 3 == 2 else 0
        parts.append(comment(post_id, n, comment_id, parent))
    parts.append("</item>\n")
    return "".join(parts)


def generate(posts, comments_per_post, authors=5):
    """The export as a stream of str chunks."""
    yield HEAD
    for n in range(1, authors + 1):
        yield author(n)
    for post_id in range(1, posts + 1):
        yield item(post_id, authors, comments_per_post, 1 + (post_id - 1) * comments_per_post)
    yield "</channel>\n</rss>\n"


def write_wxr(out, posts, comments_per_post, authors=5):
    """Write the export to a binary file object; returns the bytes written."""
    size = 0
    for chunk in generate(posts, comments_per_post, authors):
        data = chunk.encode()
        out.write(data)
        size += len(data)
    return size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--comments", type=int, default=10, help="comments per post")
    parser.add_argument("--authors", type=int, default=5)
    args = parser.parse_args()
    write_wxr(sys.stdout.buffer, args.posts, args.comments, args.authors)


if __name__ == "__main__":
    main()
