"""Writing through the API: the dashboard's rules (samizdat.dashboard.permissions) and the posts
app's services, with every change of one call in one transaction."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http.request import validate_host
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from samizdat.blogs import services as blog_services
from samizdat.blogs.models import Blog
from samizdat.comments import services as comment_services
from samizdat.dashboard import permissions as can
from samizdat.posts import search
from samizdat.posts import services as post_services
from samizdat.posts.models import Category, Media, Post
from samizdat.posts.selectors import descendant_pks

SIMPLE_FIELDS = ("title", "source", "excerpt", "menu_order")


def _aware(when, blog):
    if when is not None and timezone.is_naive(when):
        # A time without an offset is read in the blog's time zone, as the dashboard does.
        return timezone.make_aware(when, blog.tzinfo)
    return when


def _action(post, data, is_new):
    status = data.get("status")
    if status in (Post.Status.PUBLISHED, Post.Status.SCHEDULED):
        if is_new or post.status != status or "published_at" in data:
            return "publish"
    if status == Post.Status.DRAFT and not is_new and post.status != Post.Status.DRAFT:
        return "unpublish"
    return "save"


def _related(post, data, errors):
    """Featured image, parent page and categories named by id, checked to belong to the blog."""
    blog = post.blog
    if "featured_image" in data:
        pk = data["featured_image"]
        image = Media.objects.filter(blog=blog, pk=pk, content_type__startswith="image/").first() if pk else None
        if pk and image is None:
            errors["featured_image"] = _("No image with this id in the blog’s media.")
        post.featured_image = image
    if "parent" in data:
        pk = data["parent"]
        parent = Post.objects.pages().filter(blog=blog, pk=pk).first() if pk else None
        if pk and (parent is None or (post.pk and parent.pk in descendant_pks(post))):
            errors["parent"] = _("No page with this id can be this page’s parent.")
        post.parent = parent
    categories = None
    if "categories" in data:
        ids = set(data["categories"])
        categories = list(Category.objects.filter(blog=blog, pk__in=ids))
        if len(categories) != len(ids):
            errors["categories"] = _("Some of these categories are not the blog’s.")
    return categories


def write_post(post, *, membership, editor, data):
    """Create or change a post or page from the fields a client sent, as the dashboard's editor would.

    Raises PermissionDenied when the role may not do it and ValidationError (with field messages)
    when the input is wrong; then nothing is stored.
    """
    is_new = post.pk is None
    action = _action(post, data, is_new)
    if action != "save" and not can.can_publish_post(membership, post):
        raise PermissionDenied(_("Your role may not publish, schedule or unpublish this."))
    errors = {}
    for field in SIMPLE_FIELDS:
        if field in data:
            setattr(post, field, data[field])
    if "slug" in data:
        post.slug = data["slug"] or ""
        if post.slug and Post.objects.filter(blog=post.blog, slug=post.slug).exclude(pk=post.pk).exists():
            errors["slug"] = _("Another post or page of this blog already has this address.")
    when = _aware(data.get("published_at"), post.blog)
    if data.get("status") == Post.Status.SCHEDULED and (when is None or when <= timezone.now()):
        errors["published_at"] = _("To schedule, give a publish time in the future.")
    if post.is_page and ("tags" in data or "categories" in data):
        errors["tags" if "tags" in data else "categories"] = _("Pages have no tags or categories.")
    categories = _related(post, data, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        terms = {"categories": categories}
        if "tags" in data:
            terms["tags"] = post_services.terms_from_names(post.blog, data["tags"])
        if action == "publish":
            post = post_services.publish_post(post, editor=editor, when=when, **terms)
        elif action == "unpublish":
            post = post_services.unpublish_post(post, editor=editor, **terms)
        else:
            if when is not None:
                post.published_at = when
            post = post_services.save_post(post, editor=editor, **terms)
        if "allow_comments" in data and not post.is_page:
            comment_services.set_post_open(post, data["allow_comments"])
    return post


def save_term(term, data):
    """Validate and store a tag or category; a taken slug is a field error, not a 500."""
    for field in ("name", "description"):
        if data.get(field) is not None:
            setattr(term, field, data[field].strip())
    if "slug" in data or not term.slug:
        term.slug = slugify(data.get("slug") or term.name, allow_unicode=True)[:100].strip("-")
    if not term.slug:
        raise ValidationError({"slug": _("Give a slug with at least one letter or digit.")})
    if "parent" in data and isinstance(term, Category):
        parent_id = data["parent"]
        parent = Category.objects.filter(blog=term.blog, pk=parent_id).first() if parent_id else None
        if parent_id and (parent is None or _is_below(parent, term)):
            raise ValidationError({"parent": _("No category with this id can be this one’s parent.")})
        term.parent = parent
    term.full_clean(exclude=["blog", "parent"])
    try:
        with transaction.atomic():
            term.save()
    except IntegrityError:
        raise ValidationError({"slug": _("Another tag or category of this blog already has this slug.")})
    return term


def _is_below(candidate, term):
    """True when `candidate` is `term` or one of its descendants (a loop if it became the parent)."""
    if term.pk is None:
        return False
    return candidate.pk == term.pk or term in candidate.ancestors()


def post_for_url(url, *, blog=None):
    """The post or page a URL of this instance shows (on the instance's host or a blog's own domain), or None."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path
    if not validate_host(parts.hostname, settings.SAMIZDAT_HOSTS):
        domain_blog = Blog.objects.filter(custom_domain=parts.hostname).first()
        if domain_blog is None:
            return None
        path = f"/@{domain_blog.slug}{path}"
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.namespace != "posts" or match.url_name not in ("post", "page"):
        return None
    found = Post.objects.filter(blog__slug=match.kwargs["blog_slug"], slug=match.kwargs["slug"])
    if blog is not None:
        found = found.filter(blog=blog)
    return found.select_related("blog", "author").first()


BLOG_FIELDS = ("title", "tagline", "language", "time_zone")


def update_blog(blog, data):
    """Change a blog's title, tagline, language or time zone, checked as the settings screen checks them."""
    old_language = blog.language
    for field in BLOG_FIELDS:
        if data.get(field) is not None:
            setattr(blog, field, data[field].strip() if field in ("title", "tagline") else data[field])
    blog.full_clean(exclude=[f.name for f in blog._meta.fields if f.name not in BLOG_FIELDS])
    with transaction.atomic():
        blog.save(update_fields=[field for field in BLOG_FIELDS if field in data])
        if blog.language != old_language:
            # PostgreSQL's search stems words by the blog's language.
            search.reindex_blog(blog)
    return blog


def create_blog(owner, data):
    """Start a blog owned by `owner`, as the dashboard's New blog screen does; a taken address is a field error."""
    try:
        with transaction.atomic():
            return blog_services.create_blog(
                data["slug"], data["title"].strip(), owner=owner, tagline=data["tagline"].strip(),
                language=data["language"], time_zone=data["time_zone"],
            )
    except IntegrityError:  # the same address taken at the same moment
        raise ValidationError({"slug": _("A blog with this address already exists.")})
