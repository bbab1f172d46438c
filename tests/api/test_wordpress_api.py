"""The WordPress API's answers to bad input: WordPress's error shapes, 4xx, never 500, nothing stored."""

import json

from samizdat.api.models import ALL_SCOPES, Token
from samizdat.api.tokens import create_token
from samizdat.posts.models import Post

from .conftest import Api

WP = "/@union/wp-json/wp/v2"


def _api(client, user):
    return Api(client, basic=(user.username, create_token(user, name="wp", scopes=ALL_SCOPES, kind=Token.Kind.APP_PASSWORD)[1]))


def test_bad_input_is_a_wordpress_error_and_nothing_is_stored(client, team):
    api = _api(client, team.editor)
    cases = [
        (api.post(f"{WP}/posts", "{not json", content_type="application/json"), 400, "rest_invalid_json"),
        (api.post(f"{WP}/posts", {"title": "x", "categories": [2**70]}), 400, "rest_invalid_param"),
        (api.post(f"{WP}/posts", {"title": "x", "tags": "abc"}), 400, "rest_invalid_param"),
        (api.post(f"{WP}/posts", {"title": "x", "password": "secret"}), 400, "rest_invalid_param"),
        (api.post(f"{WP}/posts", {"title": "x", "status": "private"}), 400, "rest_invalid_param"),
        (api.get(f"{WP}/posts", data={"per_page": "1000"}), 400, "rest_invalid_param"),
        (api.get(f"{WP}/posts/{2**70}"), 404, None),
        (api.post(f"{WP}/media"), 400, "rest_upload_no_content_disposition"),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.content
        if code:
            assert json.loads(response.content)["code"] == code
    assert not Post.objects.exists()


def test_contributor_cannot_publish_through_wordpress_api(client, team):
    response = _api(client, team.contributor).post(f"{WP}/posts", {"title": "Leak", "status": "publish"})
    assert response.status_code == 403 and not Post.objects.exists()


def test_anonymous_reader_sees_only_published_posts(client, team, make_post):
    live = make_post(team.blog, author=team.author)
    make_post(team.blog, author=team.author, status=Post.Status.DRAFT)
    listed = client.get(f"{WP}/posts")
    assert [p["id"] for p in listed.json()] == [live.pk] and listed["X-WP-Total"] == "1"
    assert "raw" not in listed.json()[0]["content"]
    assert client.get(f"{WP}/posts", data={"status": "draft"}).status_code == 400


def test_custom_domain_answers_at_its_root(client, team):
    team.blog.custom_domain = "news.example.org"
    team.blog.save()
    index = client.get("/wp-json/", HTTP_HOST="news.example.org")
    assert index.status_code == 200 and index.json()["name"] == team.blog.title


def _post_with_media_and_terms(team, make_post):
    from samizdat.posts.models import Category, Media

    media = Media.objects.create(blog=team.blog, uploaded_by=team.author, file="uploads/red.png",
                                 original_name="red.png", content_type="image/png", width=4, height=3, alt="Red")
    news = Category.objects.create(blog=team.blog, name="News", slug="news")
    post = make_post(team.blog, author=team.author, title="Strike", tags=["pay"], featured_image=media)
    post.categories.add(news)
    return post, media, news


def test_embed_adds_author_featured_media_and_terms_as_wordpress(client, team, make_post):
    post, media, news = _post_with_media_and_terms(team, make_post)
    data = client.get(f"{WP}/posts/{post.pk}", data={"_embed": "1"}).json()
    links = data["_links"]
    assert links["author"][0]["embeddable"] and links["author"][0]["href"].endswith(f"/wp/v2/users/{team.author.pk}")
    assert links["wp:featuredmedia"][0]["href"].endswith(f"/wp/v2/media/{media.pk}")
    assert [link["taxonomy"] for link in links["wp:term"]] == ["category", "post_tag"]
    embedded = data["_embedded"]
    assert embedded["author"] == [{
        "id": team.author.pk, "name": team.author.name, "url": "", "description": "", "slug": "author",
        "link": "http://testserver/~author/", "avatar_urls": {},
    }]
    assert embedded["wp:featuredmedia"][0]["source_url"].endswith(".png")
    assert embedded["wp:featuredmedia"][0]["alt_text"] == "Red" and "media_details" in embedded["wp:featuredmedia"][0]
    assert [[t["name"] for t in group] for group in embedded["wp:term"]] == [["News"], ["pay"]]
    assert embedded["wp:term"][1][0]["taxonomy"] == "post_tag"
    # The author link leads somewhere: the public author resource.
    assert client.get(f"{WP}/users/{team.author.pk}").json()["slug"] == "author"
    assert client.get(f"{WP}/users/{team.outsider.pk}").json()["code"] == "rest_user_invalid_id"


def test_embed_names_relations_and_works_on_lists(client, team, make_post):
    _post_with_media_and_terms(team, make_post)
    make_post(team.blog, author=team.editor, title="Plain")
    listed = client.get(f"{WP}/posts", data={"_embed": "author"}).json()
    assert [sorted(p["_embedded"]) for p in listed] == [["author"], ["author"]]
    assert {p["_embedded"]["author"][0]["slug"] for p in listed} == {"author", "editor"}
    assert "_embedded" not in client.get(f"{WP}/posts").json()[0]


def test_fields_keeps_only_what_is_named(client, team, make_post):
    post, _media, _news = _post_with_media_and_terms(team, make_post)
    assert client.get(f"{WP}/posts/{post.pk}", data={"_fields": "id,title"}).json() == {
        "id": post.pk, "title": {"rendered": "Strike"},
    }
    listed = client.get(f"{WP}/posts?_fields[]=id&_fields[]=title.rendered&_fields[]=nothing").json()
    assert listed == [{"id": post.pk, "title": {"rendered": "Strike"}}]
    both = client.get(f"{WP}/posts/{post.pk}", data={"_fields": "id,_embedded.author", "_embed": "1"}).json()
    assert set(both) == {"id", "_embedded"} and set(both["_embedded"]) == {"author"}
    assert set(client.get(f"{WP}/tags", data={"_fields": "name"}).json()[0]) == {"name"}
