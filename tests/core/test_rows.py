"""samizdat.core.rows: a row read with plain SQL is the same object the ORM would have given."""

import datetime

from samizdat.blogs.models import Blog
from samizdat.comments.models import Comment, CommentSettings, PostDiscussion
from samizdat.core import rows
from samizdat.posts.models import Post


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def test_a_row_read_plainly_equals_the_orms_and_saves_like_it(make_post):
    post = make_post(title="Night shift", source="The *cranes* stood idle.")
    Comment.objects.create(post=post, author_name="Jo", body="Solidarity", html="<p>Solidarity</p>", reasons=["links"], ip="10.0.0.7")
    comment = Comment.objects.get(post=post)

    found = rows.first(Comment, post_id=post.pk, nonce="")
    # Every column converted as the ORM converts it: dates aware, JSON lists, addresses, booleans.
    assert _fields(found) == _fields(comment)
    assert isinstance(found.created_at, datetime.datetime) and found.created_at.tzinfo is not None
    assert found.reasons == ["links"] and found.local is True
    assert found.post.title == "Night shift"  # relations load as usual
    assert not found._state.adding

    found.body = "Solidarity!"
    found.save(update_fields=["body"])
    assert Comment.objects.get(pk=comment.pk).body == "Solidarity!"

    assert _fields(rows.first(Post, id=post.pk, blog_id=post.blog_id)) == _fields(Post.objects.get(pk=post.pk))
    assert rows.first(Post, id=post.pk, blog_id=post.blog_id + 1) is None
    blog = Blog.objects.get(pk=post.blog_id)
    assert _fields(rows.first(Blog, slug=blog.slug)) == _fields(blog)
    assert rows.first(CommentSettings, blog_id=blog.pk) is None


def test_rows_of_other_models_come_in_the_same_query(make_post, django_assert_num_queries):
    post = make_post()
    CommentSettings.objects.create(blog=post.blog, thread_depth=3)
    joins = [(CommentSettings, "blog_id", "blog_id"), (PostDiscussion, "post_id", "id")]
    with django_assert_num_queries(1):
        found, (comment_settings, discussion) = rows.first_with(Post, joins, id=post.pk)
    assert found.pk == post.pk and comment_settings.thread_depth == 3 and comment_settings.blog_id == post.blog_id
    assert discussion is None  # no row to join: None, not an empty instance
    PostDiscussion.objects.create(post=post, open=False)
    assert rows.first_with(Post, joins, id=post.pk)[1][1].open is False
    assert rows.first_with(Post, joins, id=post.pk + 1000) is None
