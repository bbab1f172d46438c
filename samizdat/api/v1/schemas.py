"""What /api/v1/ sends and takes: pydantic schemas, turned into the OpenAPI document's components."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from .common import Input

Slug = Field(default=None, max_length=200)
# Ids fit a 64-bit column: a larger number would be a database error, not a 404.
MAX_ID = 2**62
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ProblemOut(Schema):
    type: str
    title: str
    status: int
    detail: str
    code: str | None = None
    errors: list[dict[str, str]] | None = None


class UserOut(Schema):
    id: int
    username: str
    name: str


class BlogOut(Schema):
    slug: str
    title: str
    tagline: str
    language: str
    time_zone: str
    url: str
    role: str | None


class TagOut(Schema):
    id: int
    name: str
    slug: str
    url: str


class CategoryOut(TagOut):
    parent: int | None
    description: str


class MediaOut(Schema):
    id: int
    url: str
    original_name: str
    content_type: str
    size: int
    width: int | None
    height: int | None
    alt: str
    uploaded_by: int | None
    created_at: datetime


class ContentOut(Schema):
    id: int
    blog: str
    kind: Literal["post", "page"]
    title: str
    slug: str
    status: str
    source: str
    html: str
    excerpt: str
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    author: UserOut
    url: str
    featured_image: int | None


class PostOut(ContentOut):
    tags: list[TagOut]
    categories: list[int]
    allow_comments: bool


class PageOut(ContentOut):
    parent: int | None
    menu_order: int


class CommentOut(Schema):
    id: int
    post: int
    parent: int | None
    author_name: str
    author_url: str
    user: int | None
    body: str
    html: str
    status: Literal["pending", "approved", "spam", "trash"]
    created_at: datetime


class LikesOut(Schema):
    count: int
    liked: bool


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: str | None


class PagePage(Schema):
    items: list[PageOut]
    next_cursor: str | None


class TagPage(Schema):
    items: list[TagOut]
    next_cursor: str | None


class CategoryPage(Schema):
    items: list[CategoryOut]
    next_cursor: str | None


class MediaPage(Schema):
    items: list[MediaOut]
    next_cursor: str | None


class CommentPage(Schema):
    items: list[CommentOut]
    next_cursor: str | None


class BlogPage(Schema):
    items: list[BlogOut]
    next_cursor: str | None


Status = Literal["draft", "published", "scheduled"]


class PostIn(Input):
    title: str = Field(min_length=1, max_length=300)
    source: str = Field(default="", max_length=500_000)
    excerpt: str = Field(default="", max_length=10_000)
    slug: str | None = Slug
    status: Status = "draft"
    published_at: datetime | None = None
    tags: list[str] = Field(default_factory=list, max_length=100)
    categories: list[Id] = Field(default_factory=list, max_length=100)
    featured_image: Id | None = None
    allow_comments: bool = True


class PostPatch(Input):
    title: str = Field(default=None, min_length=1, max_length=300)
    source: str = Field(default=None, max_length=500_000)
    excerpt: str = Field(default=None, max_length=10_000)
    slug: str | None = Slug
    status: Status = None
    published_at: datetime | None = None
    tags: list[str] = Field(default=None, max_length=100)
    categories: list[Id] = Field(default=None, max_length=100)
    featured_image: Id | None = None
    allow_comments: bool = None


class PageIn(Input):
    title: str = Field(min_length=1, max_length=300)
    source: str = Field(default="", max_length=500_000)
    excerpt: str = Field(default="", max_length=10_000)
    slug: str | None = Slug
    status: Status = "draft"
    published_at: datetime | None = None
    featured_image: Id | None = None
    parent: Id | None = None
    menu_order: int = Field(default=0, ge=-1_000_000, le=1_000_000)


class PagePatch(Input):
    title: str = Field(default=None, min_length=1, max_length=300)
    source: str = Field(default=None, max_length=500_000)
    excerpt: str = Field(default=None, max_length=10_000)
    slug: str | None = Slug
    status: Status = None
    published_at: datetime | None = None
    featured_image: Id | None = None
    parent: Id | None = None
    menu_order: int = Field(default=None, ge=-1_000_000, le=1_000_000)


class TagIn(Input):
    name: str = Field(min_length=1, max_length=100)
    slug: str | None = Field(default=None, max_length=100)


class TagPatch(Input):
    name: str = Field(default=None, min_length=1, max_length=100)
    slug: str = Field(default=None, min_length=1, max_length=100)


class CategoryIn(TagIn):
    parent: Id | None = None
    description: str = Field(default="", max_length=10_000)


class CategoryPatch(TagPatch):
    parent: Id | None = None
    description: str = Field(default=None, max_length=10_000)


class MediaPatch(Input):
    alt: str = Field(max_length=500)


class CommentPatch(Input):
    body: str = Field(default=None, min_length=1, max_length=20_000)
    author_name: str = Field(default=None, min_length=1, max_length=100)
    author_url: str = Field(default=None, max_length=200)


class ModerationIn(Input):
    action: Literal["approve", "unapprove", "spam", "not_spam", "trash", "restore", "delete"]


class ReplyIn(Input):
    body: str = Field(min_length=1, max_length=20_000)


class ReblogSourceOut(Schema):
    url: str
    title: str
    author: str
    site: str
    site_url: str
    published_at: datetime | None
    origin: Literal["local", "web"]
    original: int | None
    original_blog: str | None
    via_url: str
    via_name: str


class ReblogOut(Schema):
    id: int
    post: PostOut
    source: ReblogSourceOut
    original_change: Literal["updated", "removed"] | None
    created_at: datetime


class ReblogCreatedOut(ReblogOut):
    already_reblogged: bool
    # Why the web page's lead image could not be copied here ("" when it was, or there was none).
    lead_image_error: str


class ReblogPage(Schema):
    items: list[ReblogOut]
    next_cursor: str | None


class RebloggerOut(Schema):
    name: str
    url: str


class RebloggersOut(Schema):
    count: int
    shown: list[RebloggerOut]


class ReblogIn(Input):
    post: Id | None = None
    url: str | None = Field(default=None, min_length=1, max_length=2000, pattern=r"^https?://")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    comment: str = Field(default="", max_length=100_000)
    status: Literal["draft", "published"] = "draft"


class BlogIn(Input):
    slug: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=1, max_length=200)
    tagline: str = Field(default="", max_length=300)
    language: Literal["en", "ru", "kk"] = "en"
    time_zone: str = Field(default="UTC", min_length=1, max_length=64)


class BlogPatch(Input):
    title: str = Field(default=None, min_length=1, max_length=200)
    tagline: str = Field(default=None, max_length=300)
    language: Literal["en", "ru", "kk"] = None
    time_zone: str = Field(default=None, min_length=1, max_length=64)


class CommentIn(Input):
    body: str = Field(min_length=1, max_length=20_000)
    parent: Id | None = None
