import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samizdat.posts.models import Post
from samizdat.posts.search import reindex_blog, search_posts
from samizdat.posts.services import delete_post, publish_due_posts, save_post, unpublish_post


def titles(blog, query):
    return [hit.title for hit in search_posts(blog, query)]


def test_search_ranks_title_match_above_text_match(make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="Weather report", source="A strike of lightning hit the harbour crane.")
    make_post(blog, title="Harbour strike", source="The dockers stopped work today.")
    assert titles(blog, "strike") == ["Harbour strike", "Weather report"]


def test_search_requires_every_word(make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="One", source="The dockers went on strike.")
    make_post(blog, title="Two", source="The dockers went home.")
    assert titles(blog, "dockers strike") == ["One"]


def test_search_snippet_marks_matched_words(make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="News", source="Yesterday the port workers voted to strike from Monday.")
    [hit] = search_posts(blog, "workers")
    assert "<mark>workers</mark>" in hit.snippet
    assert "voted to strike" in hit.snippet


def test_search_snippet_escapes_markup_from_the_text(make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="Comparisons", source="Write `x < y && y > z` and `<script>alert(1)</script>` in strike code.")
    [hit] = search_posts(blog, "strike")
    assert "<script" not in hit.snippet
    assert "x &lt; y &amp;&amp; y &gt; z" in hit.snippet
    assert "<mark>strike</mark>" in hit.snippet


def test_search_snippet_escapes_markup_from_the_query(client, make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="Plain", source="Nothing special here.")
    html = client.get(f"/@{blog.slug}/search/", {"q": '<img src=x onerror=alert(1)> special'}).content.decode()
    assert "<img src=x" not in html


@pytest.mark.parametrize("language", ["ru", "en", "kk"])
def test_search_finds_russian_words_in_any_case(make_blog, make_post, language):
    blog = make_blog(language=language)
    make_post(blog, title="Новости", source="Рабочие ПОРТА объявили забастовку.")
    [hit] = search_posts(blog, "порта")
    assert "<mark>ПОРТА</mark>" in hit.snippet


def test_search_matches_yo_and_ye_alike(make_blog, make_post):
    blog = make_blog(language="ru")
    make_post(blog, title="Праздник", source="Во дворе поставили ёлку.")
    assert titles(blog, "елку") == ["Праздник"]
    assert titles(blog, "ЁЛКУ") == ["Праздник"]


def test_search_stems_english_words(make_blog, make_post):
    blog = make_blog(language="en")
    make_post(blog, title="Harbour", source="The dockers are striking again.")
    assert titles(blog, "strikes") == ["Harbour"]


def test_search_finds_pages_too(make_blog, make_post):
    blog = make_blog()
    make_post(blog, kind=Post.Kind.PAGE, title="Contact", source="Write to the editors.")
    assert titles(blog, "editors") == ["Contact"]


@pytest.mark.parametrize("status", [Post.Status.DRAFT, Post.Status.PRIVATE, Post.Status.SCHEDULED])
def test_search_ignores_posts_readers_cannot_see(make_blog, make_post, status):
    blog = make_blog()
    make_post(blog, title="Hidden", source="A secret strike plan.", status=status,
              when=timezone.now() + datetime.timedelta(days=1))
    assert titles(blog, "strike") == []


def test_search_ignores_other_blogs_posts(make_blog, make_post):
    blog, other = make_blog(), make_blog()
    make_post(other, title="Elsewhere", source="A strike elsewhere.")
    assert titles(blog, "strike") == []


def test_search_finds_scheduled_post_once_published(make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="Later", source="A strike announced.", status=Post.Status.SCHEDULED,
              when=timezone.now() - datetime.timedelta(minutes=1))
    assert titles(blog, "strike") == []
    publish_due_posts()
    assert titles(blog, "strike") == ["Later"]


def test_search_forgets_unpublished_post(make_blog, make_post):
    blog = make_blog()
    post = make_post(blog, source="A strike announced.")
    unpublish_post(post, editor=post.author)
    assert titles(blog, "strike") == []


def test_search_forgets_deleted_post(make_blog, make_post):
    blog = make_blog()
    post = make_post(blog, source="A strike announced.")
    delete_post(post)
    assert titles(blog, "strike") == []


def test_search_finds_new_words_of_edited_post_not_old_ones(make_blog, make_post):
    blog = make_blog()
    post = make_post(blog, title="Report", source="The strike is over.")
    post.source = "The lockout goes on."
    save_post(post, editor=post.author)
    assert titles(blog, "strike") == [] and titles(blog, "lockout") == ["Report"]


def test_reindex_blog_indexes_posts_saved_around_the_services(make_blog, make_post):
    blog = make_blog()
    post = make_post(blog, title="Report", source="The strike is over.")
    Post.objects.filter(pk=post.pk).update(title="Imported lockout")
    assert reindex_blog(blog) == 1
    assert titles(blog, "lockout") == ["Imported lockout"]


@pytest.mark.parametrize(
    "query",
    ['"', "strike\"", "(strike", "strike AND", "AND OR NOT", "*", "strike*", "NEAR(strike", "title:strike",
     "-strike", "^strike", "{title}: x", "'; DROP TABLE posts_post; --", "\x00strike", "strike" * 80, "!!!"],
)
def test_search_answers_any_query_syntax_without_error(client, make_blog, make_post, query):
    blog = make_blog()
    make_post(blog, title="Harbour strike", source="The dockers stopped work.")
    response = client.get(f"/@{blog.slug}/search/", {"q": query})
    assert response.status_code == 200


def test_search_treats_operators_as_words(make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="Harbour strike", source="The dockers stopped work.")
    assert titles(blog, "(strike") == ["Harbour strike"]
    assert titles(blog, '"dockers') == ["Harbour strike"]


def test_search_page_shows_highlighted_hits(client, make_blog, make_post):
    blog = make_blog()
    post = make_post(blog, title="Harbour news", source="The dockers went on strike.")
    html = client.get(f"/@{blog.slug}/search/", {"q": "strike"}).content.decode()
    assert f'href="{post.get_absolute_url()}"' in html
    assert "<mark>strike</mark>" in html


def test_search_page_without_results_says_so(client, make_blog):
    blog = make_blog()
    html = client.get(f"/@{blog.slug}/search/", {"q": "nothing"}).content.decode()
    assert "Nothing matched" in html


def test_search_page_paginates(client, make_blog, make_post):
    blog = make_blog()
    blog.posts_per_page = 2
    blog.save()
    for n in range(3):
        make_post(blog, title=f"Strike day {n}", source="Still on strike.")
    first = client.get(f"/@{blog.slug}/search/", {"q": "strike"}).content.decode()
    second = client.get(f"/@{blog.slug}/search/", {"q": "strike", "page": 2}).content.decode()
    assert first.count('class="snippet"') == 2 and second.count('class="snippet"') == 1
    assert "page=2" in first


def test_search_page_asks_robots_not_to_index_it(client, make_blog):
    blog = make_blog()
    html = client.get(f"/@{blog.slug}/search/", {"q": "x"}).content.decode()
    assert '<meta name="robots" content="noindex' in html


def test_search_queries_do_not_grow_with_hits(client, make_blog, make_post):
    blog = make_blog()
    make_post(blog, title="Strike one", tags=["labour"])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/@{blog.slug}/search/", {"q": "strike"}).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for n in range(8):
        make_post(blog, title=f"Strike {n}", tags=["labour"])
    assert queries() == one


def test_search_page_of_hits_takes_three_queries(make_blog, make_post, django_assert_num_queries):
    blog = make_blog()
    for n in range(5):
        make_post(blog, title=f"Strike {n}")
    results = search_posts(blog, "strike")
    # One to count, one for the ranked page with its snippets, one for the posts with blog and author.
    with django_assert_num_queries(3):
        hits = results[0:3]
        assert len(results) == 5
        assert [h.author.name for h in hits] and [h.blog.slug for h in hits]


def test_rebuild_search_index_command_forgets_deleted_blogs_and_finds_the_rest(make_blog, make_post):
    blog, gone = make_blog(), make_blog()
    make_post(blog, title="Kept", source="A strike.")
    make_post(gone, title="Gone", source="A strike.")
    gone.delete()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert "Indexed 1 " in out.getvalue()
    assert titles(blog, "strike") == ["Kept"]
