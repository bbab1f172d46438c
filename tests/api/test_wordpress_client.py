"""The WordPress REST API subset, driven by wpapi, a real client written against WordPress, under Node.js.

wpapi is installed from npm into a cache folder the first time (SAMIZDAT_TEST_NPM_CACHE, by default
~/.cache/samizdat-tests/wpapi); without Node.js and npm the test is skipped locally and fails in CI.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from samizdat.api.models import Token
from samizdat.api.tokens import create_token
from samizdat.comments.models import Comment
from samizdat.posts.models import Category, Media, Post, Tag

HERE = Path(__file__).parent / "wpapi"


def _wpapi_dir():
    if not (shutil.which("node") and shutil.which("npm")):
        if os.environ.get("CI"):
            pytest.fail("Node.js and npm are needed for the wpapi test (.ci/run installs Debian's)")
        pytest.skip("Node.js and npm are not installed")
    cache = Path(os.environ.get("SAMIZDAT_TEST_NPM_CACHE", Path.home() / ".cache" / "samizdat-tests" / "wpapi"))
    if not (cache / "node_modules" / "wpapi" / "package.json").exists():
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copy(HERE / "package.json", cache / "package.json")
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(cache)],
            check=True, capture_output=True, timeout=300,
        )
    return cache


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "red.png"
    Image.new("RGB", (64, 48), "red").save(path, format="PNG")
    return path


@pytest.mark.django_db(transaction=True)
def test_wpapi_writes_to_a_blog_as_it_would_to_wordpress(live_server, team, png):
    cache = _wpapi_dir()
    password = create_token(team.author, name="wpapi", scopes=["read", "create", "update", "delete", "media"],
                            kind=Token.Kind.APP_PASSWORD)[1]
    # Editors manage terms; give the author's credential an editor to create them, as WordPress would.
    from samizdat.blogs.roles import Role
    from samizdat.blogs.services import set_role

    set_role(team.blog, team.author, Role.EDITOR)
    endpoint = f"{live_server.url}/@union/wp-json"
    result = subprocess.run(
        ["node", str(HERE / "scenario.js"), endpoint, "author", password, str(png), f"{live_server.url}/@union/"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "NODE_PATH": str(cache / "node_modules")},
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["me"] == "author" and out["discovered"] == "author"
    created = out["created"]
    post = Post.objects.get(pk=created["id"])
    assert created["status"] == "publish" and post.status == Post.Status.PUBLISHED
    assert created["content"]["rendered"] == "<p>Hello <strong>world</strong></p>"
    assert created["link"].endswith(post.get_absolute_url())
    assert [c.name for c in post.categories.all()] == ["News"] and [t.name for t in post.tags.all()] == ["Strike"]
    assert out["updated"] == "Edited by wpapi" and Post.objects.get(pk=post.pk).title == "Edited by wpapi"
    assert out["draftStatus"] == "draft" and out["drafts"] == ["Still a draft"]
    assert out["paging"] == {"total": 1, "totalPages": 1}
    assert Post.objects.get(title="About us").kind == Post.Kind.PAGE
    media = Media.objects.get()
    assert out["media"] == {"type": "image", "mime": "image/png", "alt": "A red square", "url": out["media"]["url"]}
    assert media.width == 64 and Post.objects.get(pk=post.pk).featured_image == media
    assert out["embedded"] == {"author": "author", "media": out["media"]["url"], "terms": [["News"], ["Strike"]]}
    assert out["listEmbedded"] == [["author", "wp:featuredmedia", "wp:term"]]  # the published one
    assert out["fields"] == {"id": post.pk, "title": {"rendered": "Edited by wpapi"}}
    assert out["comment"] == {"status": "approved", "post": post.pk}  # the post's author is trusted
    assert [c.strip() for c in out["comments"]] == ["<p>Well done.</p>"] and Comment.objects.get().user == team.author
    assert out["badPassword"]["status"] == 401 and out["anonymousCreate"]["status"] == 401
    assert out["badStatus"] == {"code": "rest_invalid_param", "status": 400}
    assert out["deleted"] is True and not Post.objects.filter(title="Still a draft").exists()
    assert set(Tag.objects.values_list("name", flat=True)) == {"Strike"} and Category.objects.count() == 1
