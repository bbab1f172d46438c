import textwrap

import pytest

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<title>Union News</title>
<link>https://union.example</link>
<description>Our union's news</description>
<language>ru-RU</language>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login>anna</wp:author_login>
<wp:author_email>anna@union.example</wp:author_email><wp:author_display_name>Anna</wp:author_display_name></wp:author>
"""


def item(post_id, title, *, slug=None, status="publish", post_type="post", content="Text.", date="2024-05-01 10:00:00",
         parent=0, extra=""):
    return textwrap.dedent(f"""\
    <item>
    <title>{title}</title>
    <link>https://union.example/2024/05/01/{slug or post_id}/</link>
    <dc:creator>anna</dc:creator>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>{post_id}</wp:post_id>
    <wp:post_date>{date}</wp:post_date>
    <wp:post_date_gmt>{date}</wp:post_date_gmt>
    <wp:post_name>{slug or ''}</wp:post_name>
    <wp:status>{status}</wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:menu_order>0</wp:menu_order>
    <wp:post_type>{post_type}</wp:post_type>
    <wp:post_password></wp:post_password>
    {extra}
    </item>
    """)


def wxr(*items):
    return (HEAD + "".join(items) + "</channel>\n</rss>\n").encode()


@pytest.fixture
def write_wxr(tmp_path):
    def write(data, name="export.xml"):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
