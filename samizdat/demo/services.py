"""Demo content written for Samizdat, so a fresh `make run` shows a living site.

The words live in `content/`: a file per writer in `writers/`, and a directory per blog holding
`blog.md`, `posts/` and `pages/`. Every file starts with `key: value` lines ended by a `---` line;
Markdown follows. Dates are relative to the moment of loading (`-30d 09:15` is thirty days ago at
09:15 in the blog's time zone), so the demo never looks stale and its scheduled post stays ahead.
`image:NAME` in a text stands for the URL of the picture drawn by `images.RECIPES[NAME]`, stored
through the ordinary upload path; `(post:SLUG)` links to an earlier post of the same blog.

`reblogs/*.md` are reblogs, loaded once the blogs are: `blog:` and `by:` say who reblogs, and
either `of: BLOG/POST` names a demo post, or `url:`, `source_title:`, `site:`, `site_url:` and
`author:` describe a page elsewhere whose text follows the comment after a `+++` line (stored
here: the demo fetches nothing). They go through the reblogs app's services.

A blog's `comments/SLUG.md` holds a conversation under its post SLUG: comments separated by `+++`
lines, each with a header (`by: USERNAME` for a demo writer, else `name:` and `email:` for a guest;
`reply_to: N` for the Nth comment of the file; `status: held` to leave it for the moderators).
They go in through the comments app's intake like any reader's, and what its rules hold for a
first-time commenter a moderator approves, except the comment marked held. A writer's
`follows:` (blog slugs) and `likes:` (`blog/post` slugs) go through the social app's services.

Loading skips whatever already exists (writers by username, blogs and posts by slug, comments by
their place in the file), so running it twice adds nothing and a half-loaded database gets completed.
"""

import datetime
import re
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from samizdat.accounts.models import User
from samizdat.accounts.services import create_user
from samizdat.blogs.models import Blog, Membership
from samizdat.blogs.roles import CAPABILITIES, Cap, Role
from samizdat.blogs.services import create_blog, set_role
from samizdat.comments import services as comment_services
from samizdat.posts.media import store_upload
from samizdat.posts.models import Category, Post
from samizdat.core.html import render_markdown
from samizdat.posts.services import publish_post, save_post, terms_from_names
from samizdat.reblogs import services as reblog_services
from samizdat.social import services as social_services
from samizdat.social.models import Follow, Like

from . import images

CONTENT = Path(__file__).parent / "content"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "samizdat-demo"
# The long report the benchmark renders: (blog slug, post slug), about 600 words.
REPORT = ("dispatch", "heat-survey")

FRONT_MATTER_END = "---"
COMMENT_SEPARATOR = "+++"
RELATIVE_TIME = re.compile(r"^(?P<days>[-+]\d+)d(?: (?P<hour>\d{1,2}):(?P<minute>\d{2}))?$")
IMAGE_REF = re.compile(r"image:(?P<name>[a-z0-9-]+)")
POST_LINK = re.compile(r"\(post:(?P<slug>[-\w]+)\)")
MARKDOWN_ALT = re.compile(r"!\[(?P<alt>[^\]]*)\]\(image:(?P<name>[a-z0-9-]+)\)")
HTML_ALT = re.compile(r'src="image:(?P<name>[a-z0-9-]+)"\s+alt="(?P<alt>[^"]*)"')


def parse_document(text):
    """Split a content file into its `key: value` header (a dict) and its Markdown body."""
    header, sep, body = text.partition(f"\n{FRONT_MATTER_END}\n")
    if not sep:
        raise ValueError(f"no '{FRONT_MATTER_END}' line ends the header")
    meta = {}
    for line in header.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, colon, value = line.partition(":")
            if not colon:
                raise ValueError(f"header line without a colon: {line!r}")
            meta[key.strip()] = value.strip()
    return meta, body.strip() + "\n"


def parse_when(value, tzinfo, now):
    """The moment `-12d 09:30` (twelve days before `now`, at 09:30 in `tzinfo`) stands for."""
    match = RELATIVE_TIME.match(value.strip())
    if not match:
        raise ValueError(f"not a relative time like '-12d 09:30': {value!r}")
    day = timezone.localtime(now, tzinfo).date() + datetime.timedelta(days=int(match["days"]))
    hour, minute = int(match["hour"] or 9), int(match["minute"] or 0)
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tzinfo)


def split_list(value):
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _added(counts):
    added = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    return f"added {added}" if added else "nothing new"


def has_content():
    return Blog.objects.exists()


def blog_directories():
    return [p for p in CONTENT.iterdir() if (p / "blog.md").exists()]


def has_other_blogs():
    """Whether the instance holds blogs besides the demo's: a real instance, not a demo."""
    return Blog.objects.exclude(slug__in=[p.name for p in blog_directories()]).exists()


def _read(path):
    try:
        return parse_document(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path.relative_to(CONTENT)}: {error}") from None


def _load_writers():
    """The demo's people, by username: the instance admin and the blogs' writers."""
    writers = {}
    for path in sorted((CONTENT / "writers").glob("*.md")):
        meta, bio = _read(path)
        username = path.stem
        user = User.objects.filter(username=username).first()
        if user is None:
            # Every demo writer shares the demo password, so each role can be tried out.
            user = create_user(
                username, DEMO_PASSWORD, email=meta.get("email", ""),
                display_name=meta["display_name"], is_superuser=username == DEMO_USERNAME,
            )
            user.bio = bio.strip()
            user.save(update_fields=["bio"])
        writers[username] = user
    return writers


class _BlogLoader:
    """Loads one blog's directory: the blog, its members, categories, pages and posts."""

    def __init__(self, directory, writers, now, progress):
        self.directory, self.writers, self.now, self.progress = directory, writers, now, progress
        self.meta, _ = _read(directory / "blog.md")
        self.media = {}
        self.created = {"posts": 0, "pages": 0, "images": 0, "comments": 0}

    def load(self):
        slug = self.directory.name
        members = [entry.split() for entry in split_list(self.meta.get("members"))]
        self.blog = Blog.objects.filter(slug=slug).first()
        if self.blog is None:
            self.blog = create_blog(
                slug, self.meta["title"], tagline=self.meta.get("tagline", ""),
                language=self.meta.get("language", "en"), time_zone=self.meta.get("time_zone", "UTC"),
            )
        for username, role in members:
            user = self.writers[username]
            if not Membership.objects.filter(blog=self.blog, user=user).exists():
                set_role(self.blog, user, Role(role))
        self.roles = {username: Role(role) for username, role in members}
        for path in self.meta.get("categories", "").split(","):
            if path.strip():
                self._category(path)
        for kind, folder in ((Post.Kind.PAGE, "pages"), (Post.Kind.POST, "posts")):
            for path in sorted((self.directory / folder).glob("*.md")):
                self._load_post(path, kind)
        comment_settings = comment_services.settings_for(self.blog)
        if comment_settings.pk is None:
            # The demo's writers have example.org addresses: nobody would read the author notices.
            comment_settings.notify_authors = False
            comment_services.save_settings(comment_settings)
        for path in sorted((self.directory / "comments").glob("*.md")):
            self._load_comments(path)
        self.progress(f"  /@{slug}/  {self.blog.title} ({self.blog.language}): {_added(self.created)}")
        return self.created

    def _category(self, path):
        """The category at `path` (`Parent/Child`), creating it and its parents as needed."""
        parent = None
        for name in (part.strip() for part in path.split("/")):
            slug = slugify(name, allow_unicode=True)
            category = Category.objects.filter(blog=self.blog, slug=slug).first()
            if category is None:
                category = Category.objects.create(blog=self.blog, name=name, slug=slug, parent=parent)
            parent = category
        return parent

    def _image(self, name, alt=""):
        """The blog's Media for picture `name`, drawn and uploaded the first time it is needed."""
        if name not in self.media:
            filename, data = images.draw(name)
            owner = next(self.writers[u] for u, role in self.roles.items() if role == Role.OWNER)
            self.media[name] = store_upload(self.blog, owner, ContentFile(data, name=filename), alt=alt)
            self.created["images"] += 1
        return self.media[name]

    def _load_post(self, path, kind):
        meta, source = _read(path)
        slug = meta.get("slug") or path.stem.split("-", 1)[-1]
        if Post.objects.filter(blog=self.blog, slug=slug).exists():
            return
        author = self.writers[meta["author"]]
        featured = None
        if "featured" in meta:
            name, _, alt = meta["featured"].partition("|")
            featured = self._image(name.strip(), alt.strip())
        for pattern in (MARKDOWN_ALT, HTML_ALT):
            for match in pattern.finditer(source):
                self._image(match["name"], match["alt"])
        source = IMAGE_REF.sub(lambda m: self._image(m["name"]).file.url, source)
        source = POST_LINK.sub(
            lambda m: f"({Post.objects.get(blog=self.blog, slug=m['slug']).get_absolute_url()})", source
        )
        post = Post(
            blog=self.blog, kind=kind, author=author, title=meta["title"], slug=slug, source=source,
            excerpt=meta.get("excerpt", ""), featured_image=featured,
            menu_order=int(meta.get("menu_order", 0)),
        )
        tags = terms_from_names(self.blog, split_list(meta.get("tags")))
        categories = [self._category(c) for c in split_list(meta.get("categories"))]
        # The writer saves a draft; then they, or an editor when they may not publish, publish it.
        save_post(post, editor=author, tags=tags, categories=categories)
        status = meta.get("status", "published")
        if status != "draft":
            when = parse_when(meta["published"], self.blog.tzinfo, self.now)
            publish_post(post, editor=self._publisher(meta["author"]), when=when)
            if status == "scheduled" and post.status != Post.Status.SCHEDULED:
                raise ValueError(f"{path.relative_to(CONTENT)}: a scheduled post needs a future time")
        self.created["pages" if kind == Post.Kind.PAGE else "posts"] += 1

    def _load_comments(self, path):
        """The conversation under one post, through the comments app's intake and moderation."""
        post = Post.objects.select_related("blog").get(blog=self.blog, slug=path.stem)
        texts = path.read_text(encoding="utf-8").split(f"\n{COMMENT_SEPARATOR}\n")
        loaded = []
        for n, text in enumerate(texts, start=1):
            try:
                meta, body = parse_document(text)
            except ValueError as error:
                raise ValueError(f"{path.relative_to(CONTENT)}, comment {n}: {error}") from None
            user = self.writers[meta["by"]] if "by" in meta else None
            parent = loaded[int(meta["reply_to"]) - 1] if "reply_to" in meta else None
            submission = comment_services.Submission(
                body=body.strip(), name=meta.get("name", ""), email=meta.get("email", ""),
                parent_id=parent.pk if parent else None, nonce=f"demo-{n}", elapsed=60.0,
            )
            # The nonce makes a second load find the comment instead of adding it again.
            comment, created = comment_services.submit_comment(post, submission, user=user)
            if comment.status == comment.Status.PENDING and meta.get("status") != "held":
                comment = comment_services.moderate(comment, "approve")
            loaded.append(comment)
            self.created["comments"] += created

    def _publisher(self, username):
        if Cap.PUBLISH_POSTS in CAPABILITIES[self.roles[username]]:
            return self.writers[username]
        editor = next(u for u, role in self.roles.items() if Cap.EDIT_OTHERS_POSTS in CAPABILITIES[role])
        return self.writers[editor]


@transaction.atomic
def load_demo(progress=print, now=None):
    """Create the demo writers, blogs, pages, posts and pictures that are missing; returns a summary."""
    now = now or timezone.now()
    writers = _load_writers()
    progress(f"  writers: {', '.join(sorted(writers))} (each signs in with the demo password)")
    totals = {"posts": 0, "pages": 0, "images": 0, "comments": 0}
    directories = sorted(
        blog_directories(),
        key=lambda p: (int(_read(p / "blog.md")[0].get("order", 99)), p.name),
    )
    for directory in directories:
        created = _BlogLoader(directory, writers, now, progress).load()
        for what, n in created.items():
            totals[what] += n
    totals.update(_load_likes_and_follows(writers))
    totals.update(_load_reblogs(writers, now))
    return f"{len(directories)} blogs, {_added(totals)}"


def _load_reblogs(writers, now):
    """The reblogs in `reblogs/`, of demo posts and of stored outside pages; how many were added."""
    added = 0
    for path in sorted((CONTENT / "reblogs").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        head, _, quoted = text.partition(f"\n{COMMENT_SEPARATOR}\n")
        try:
            meta, comment = parse_document(head + "\n")
        except ValueError as error:
            raise ValueError(f"{path.relative_to(CONTENT)}: {error}") from None
        blog = Blog.objects.get(slug=meta["blog"])
        if "of" in meta:
            blog_slug, _, post_slug = meta["of"].partition("/")
            original = Post.objects.select_related("blog", "author").get(blog__slug=blog_slug, slug=post_slug)
            source = reblog_services.source_from_post(original)
        else:
            source = reblog_services.Source(
                url=meta["url"], title=meta["source_title"], author=meta.get("author", ""),
                site=meta.get("site", ""), site_url=meta.get("site_url", ""), html=render_markdown(quoted),
            )
        if reblog_services.already_reblogged(blog, source.url):
            continue
        reblog_services.reblog(
            source, blog=blog, editor=writers[meta["by"]], title=meta["title"], comment=comment,
            when=parse_when(meta["published"], blog.tzinfo, now),
        )
        added += 1
    return {"reblogs": added}


def _load_likes_and_follows(writers):
    """The writers' `follows:` and `likes:` lines, through the social app's services; what was added."""
    before = {"likes": Like.objects.count(), "follows": Follow.objects.count()}
    for path in sorted((CONTENT / "writers").glob("*.md")):
        meta, _ = _read(path)
        user = writers[path.stem]
        for slug in split_list(meta.get("follows")):
            social_services.follow_blog(user, Blog.objects.get(slug=slug))
        for ref in split_list(meta.get("likes")):
            blog_slug, _, post_slug = ref.partition("/")
            social_services.like_post(user, Post.objects.get(blog__slug=blog_slug, slug=post_slug))
    return {"likes": Like.objects.count() - before["likes"], "follows": Follow.objects.count() - before["follows"]}
