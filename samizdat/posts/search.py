"""Full-text search of posts: SQLite FTS5 or PostgreSQL full-text search.

The index holds one row per published post or page: its title and its text as plain
text. Both backends live in a table named `posts_search`, made by migration
0002_search_index: an FTS5 virtual table on SQLite (rowid = post id), an ordinary table
with a GIN-indexed tsvector on PostgreSQL. Rows are written only by `index_post` and
`remove_post`, which the posts services call; queries still join the post so that
only live posts of the blog are ever found, whatever the index holds.

User input never reaches the query syntax: on SQLite each word becomes a quoted FTS5
string, on PostgreSQL the words go through plainto_tsquery, so quotes, parentheses,
AND, NEAR or * are just text.
"""

import re

from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from samizdat.core.html import strip_tags

from .models import Post

# Snippets come back from the database with these around each match; they are stripped
# from indexed text, so after escaping the text they can only mean "a match starts/ends".
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 32
MAX_QUERY_WORDS = 16

# Title matches weigh more than text matches. SQLite: bm25 column weights (blog_id,
# title, body). PostgreSQL: ts_rank weights for {D, C, B, A}; titles are A, text is B.
SQLITE_WEIGHTS = "0.0, 10.0, 1.0"
PG_WEIGHTS = "{0.05, 0.1, 0.2, 1.0}"

# PostgreSQL stems words with the blog's language; other languages are matched word for word.
PG_CONFIGS = {"en": "english", "ru": "russian"}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ue000\ue001]")
_WORD = re.compile(r"\w", re.UNICODE)


def _clean(text):
    """Text as indexed: control characters and our markers removed, ё read as е.

    Russian is often written with е for ё; unicode61's remove_diacritics does not fold
    Cyrillic, so both are stored and searched as е (snippets show е too).
    """
    return _CONTROL.sub(" ", text or "").replace("ё", "е").replace("Ё", "Е")


def _document(post):
    """The title and the searchable text of a post: its excerpt and its body, as plain text."""
    body = "\n\n".join(part for part in (post.excerpt, strip_tags(post.html)) if part)
    return _clean(post.title), _clean(body)


def _query_words(query):
    """The words of a user's query, each whitespace-separated chunk kept together."""
    chunks = [c for c in _clean(query).split() if _WORD.search(c)]
    return chunks[:MAX_QUERY_WORDS]


def pg_config(blog):
    """The PostgreSQL text search configuration for a blog's language."""
    return PG_CONFIGS.get(blog.language, "simple")


def _highlight(snippet):
    """Escape a snippet's text, then turn the database's match markers into <mark>."""
    html = escape((snippet or "").strip()).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html)


def index_post(post):
    """Bring the index up to date with `post`: published ones are (re)indexed, others removed."""
    if post.pk is None:
        return
    if post.status != Post.Status.PUBLISHED:
        remove_post(post)
        return
    title, body = _document(post)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """
                INSERT INTO posts_search (post_id, blog_id, title, body, document)
                VALUES (%(id)s, %(blog)s, %(title)s, %(body)s,
                        setweight(to_tsvector(%(config)s::regconfig, %(title)s), 'A')
                        || setweight(to_tsvector(%(config)s::regconfig, %(body)s), 'B'))
                ON CONFLICT (post_id) DO UPDATE SET
                    blog_id = EXCLUDED.blog_id, title = EXCLUDED.title,
                    body = EXCLUDED.body, document = EXCLUDED.document
                """,
                {"id": post.pk, "blog": post.blog_id, "title": title, "body": body,
                 "config": pg_config(post.blog)},
            )
        else:
            cursor.execute("DELETE FROM posts_search WHERE rowid = %s", [post.pk])
            cursor.execute(
                "INSERT INTO posts_search (rowid, blog_id, title, body) VALUES (%s, %s, %s, %s)",
                [post.pk, post.blog_id, title, body],
            )


def remove_post(post):
    """Take `post` out of the index (on deletion, unpublishing, or any status but published)."""
    column = "post_id" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM posts_search WHERE {column} = %s", [post.pk])


def reindex_blog(blog):
    """Index every post of `blog` afresh, e.g. after its language changed; returns how many are indexed."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM posts_search WHERE blog_id = %s", [blog.pk])
    return _index_all(Post.objects.filter(blog=blog))


def rebuild_index():
    """Empty the index and index every published post again (after an import, a restore or a
    blog's deletion, which leaves rows behind); returns how many are indexed."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM posts_search")
    return _index_all(Post.objects.all())


def _index_all(posts):
    count = 0
    for post in posts.filter(status=Post.Status.PUBLISHED).select_related("blog").iterator(chunk_size=500):
        index_post(post)
        count += 1
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner may walk every post instead of using the GIN index
        # until autovacuum gets round to the table (seen: 250 ms instead of 1 ms on 20,000 posts).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE posts_search")
    return count


def search_posts(blog, query):
    """Live posts and pages of `blog` matching `query`, best first, each with a `.snippet` of safe HTML.

    The result is lazy and sliceable, so a paginator fetches (and highlights) one page at a time.
    """
    return SearchResults(blog, query)


class SearchResults:
    """The hits for one query: `len()` counts them, slicing fetches just that slice."""

    def __init__(self, blog, query):
        self.blog = blog
        self.words = _query_words(query)
        self._count = None

    def count(self):
        if self._count is None:
            if not self.words:
                self._count = 0
            else:
                sql, params = _count_sql(self.blog, self.words)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self):
        return self.count()

    def __iter__(self):
        return iter(self[:])

    def __bool__(self):
        return self.count() > 0

    def __getitem__(self, key):
        if isinstance(key, int):
            hits = self[key : key + 1]
            if not hits:
                raise IndexError(key)
            return hits[0]
        if key.step not in (None, 1):
            raise ValueError("SearchResults does not support steps")
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        if not self.words or stop <= start:
            return []
        sql, params = _hits_sql(self.blog, self.words, limit=stop - start, offset=start)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        posts = Post.objects.select_related("blog", "author").in_bulk([pk for pk, _ in rows])
        hits = []
        for pk, snippet in rows:
            post = posts.get(pk)
            if post is not None:
                post.snippet = _highlight(snippet)
                hits.append(post)
        return hits


def _live_params(blog):
    return {
        "blog": blog.pk,
        "published": Post.Status.PUBLISHED,
        "now": connection.ops.adapt_datetimefield_value(timezone.now()),
    }


# Both backends join the post, so whatever the index holds, only live posts of this blog count.
# On SQLite, CROSS JOIN keeps the full-text match as the outer loop: with a plain JOIN the
# planner may walk every post of the blog and run the match once per post.
_LIVE_JOIN = """
    {join} posts_post p ON p.id = {id} AND p.blog_id = s.blog_id
    WHERE s.blog_id = %(blog)s AND p.status = %(published)s AND p.published_at <= %(now)s
"""
_PG_LIVE_JOIN = _LIVE_JOIN.format(join="JOIN", id="s.post_id")
_SQLITE_LIVE_JOIN = _LIVE_JOIN.format(join="CROSS JOIN", id="s.rowid")


def _fts5_match(words):
    """An FTS5 query ANDing each chunk as a quoted string: any text, no syntax."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _count_sql(blog, words):
    params = _live_params(blog)
    if connection.vendor == "postgresql":
        params.update(config=pg_config(blog), q=" ".join(words))
        return (
            "SELECT count(*) FROM posts_search s"
            + _PG_LIVE_JOIN
            + " AND s.document @@ plainto_tsquery(%(config)s::regconfig, %(q)s)",
            params,
        )
    params["match"] = _fts5_match(words)
    return (
        "SELECT count(*) FROM posts_search s"
        + _SQLITE_LIVE_JOIN
        + " AND s.posts_search MATCH %(match)s",
        params,
    )


def _hits_sql(blog, words, *, limit, offset):
    params = _live_params(blog)
    params.update(limit=limit, offset=offset)
    if connection.vendor == "postgresql":
        params.update(
            config=pg_config(blog), q=" ".join(words),
            options=(
                f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords={SNIPPET_WORDS}, '
                'MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
            ),
        )
        # Rank and cut the page first; ts_headline is slow, so only the page's rows get one.
        return (
            """
            SELECT hit.post_id, ts_headline(%(config)s::regconfig, hit.body, hit.query, %(options)s)
            FROM (
                SELECT s.post_id, s.body, q.query,
                       ts_rank(%(weights)s::float4[], s.document, q.query) AS rank, p.published_at, p.id
                FROM posts_search s
                CROSS JOIN plainto_tsquery(%(config)s::regconfig, %(q)s) AS q(query)
            """
            + _PG_LIVE_JOIN
            + """ AND s.document @@ q.query
                ORDER BY rank DESC, p.published_at DESC, p.id DESC
                LIMIT %(limit)s OFFSET %(offset)s
            ) hit
            ORDER BY hit.rank DESC, hit.published_at DESC, hit.id DESC
            """,
            {**params, "weights": PG_WEIGHTS},
        )
    params.update(match=_fts5_match(words), words=SNIPPET_WORDS)
    # Rank and cut the page first, then make snippets for the page's rows only: in one query,
    # SQLite would build a snippet for every match before sorting.
    return (
        f"""
        WITH page AS (
            SELECT s.rowid AS id, bm25(posts_search, {SQLITE_WEIGHTS}) AS rank, p.published_at AS published_at
            FROM posts_search s
        """
        + _SQLITE_LIVE_JOIN
        + f""" AND s.posts_search MATCH %(match)s
            ORDER BY rank, p.published_at DESC, p.id DESC
            LIMIT %(limit)s OFFSET %(offset)s
        )
        SELECT page.id, snippet(posts_search, 2, '{MARK_START}', '{MARK_END}', '…', %(words)s)
        FROM page CROSS JOIN posts_search s ON s.rowid = page.id
        WHERE s.posts_search MATCH %(match)s
        ORDER BY page.rank, page.published_at DESC, page.id DESC
        """,
        params,
    )
