"""The default SQLite settings make concurrent writers wait their turn instead of failing."""

import time

from tests.instances import make_instance, scratch_database_url  # noqa: F401

SETUP = """
from samizdat.accounts.services import create_user
from samizdat.blogs.services import create_blog
create_blog("news", "News", owner=create_user("writer", "a long test passphrase 42"))
"""

# Each writer waits for the same moment, then saves posts as fast as it can: every save is a
# read-then-write transaction (a unique slug, the post, a revision, the search index).
WRITER = """
import time
from samizdat.accounts.models import User
from samizdat.blogs.models import Blog
from samizdat.posts.models import Post
from samizdat.posts.services import save_post
blog, user = Blog.objects.get(slug="news"), User.objects.get(username="writer")
time.sleep(max(0, {start_at} - time.time()))
for n in range({count}):
    save_post(Post(blog=blog, author=user, title="Same title", source="Words " * 200), editor=user)
print("ok")
"""


def test_concurrent_writers_on_default_sqlite_settings_all_succeed(make_instance):
    instance = make_instance(sqlite=True)
    instance.python(SETUP)
    writers, count = 4, 15
    start_at = time.time() + 4  # after every writer has started Django
    code = WRITER.format(start_at=start_at, count=count)
    processes = [
        instance.start("shell", "--no-imports", "-c", code, log_name=f"writer{i}.log") for i in range(writers)
    ]
    for process in processes:
        process.wait(timeout=120)
    logs = [p.log_path.read_text() for p in processes]
    assert [p.returncode for p in processes] == [0] * writers, "\n".join(logs)
    assert instance.python(
        "from samizdat.posts.models import Post; print(Post.objects.values('slug').distinct().count())"
    ) == str(writers * count)
