from django.conf import settings
from django.core.files.storage import default_storage
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samizdat.blogs.models import Blog
from samizdat.core.html import strip_tags

validate_slug = RegexValidator(
    r"^(?!\d+$)[-\w]+$",
    _("Use letters, digits and hyphens, and not only digits."),
)
# A page lives at /@<blog>/<slug>/, so it cannot take the name of the blog's own pages.
RESERVED_PAGE_SLUGS = frozenset({"search", "feed", "tag", "category", "author", "mirrors"})


class Tag(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["blog", "slug"], name="unique_tag_slug")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("posts:tag", kwargs={"blog_slug": self.blog.slug, "slug": self.slug})


class Category(models.Model):
    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("categories")
        constraints = [models.UniqueConstraint(fields=["blog", "slug"], name="unique_category_slug")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("posts:category", kwargs={"blog_slug": self.blog.slug, "slug": self.slug})

    def ancestors(self):
        """Parents from the root down, stopping at a cycle."""
        chain, node, seen = [], self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.insert(0, node)
            seen.add(node.pk)
            node = node.parent
        return chain


class Media(models.Model):
    """An uploaded file; images also have resized renditions, all with metadata stripped."""

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="media")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    file = models.FileField(_("file"), upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt = models.CharField(_("alternative text"), max_length=500, blank=True)
    # {"480": "uploads/2026/11/name-480.jpg", ...}: width → stored name
    renditions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("media")

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    def rendition_url(self, width):
        """URL of the smallest rendition at least `width` wide, else the original."""
        for w in sorted(int(k) for k in self.renditions):
            if w >= width:
                return default_storage.url(self.renditions[str(w)])
        return self.file.url

    @property
    def listing_url(self):
        return self.rendition_url(480)

    def srcset(self):
        parts = [f"{default_storage.url(name)} {w}w" for w, name in sorted(self.renditions.items(), key=lambda i: int(i[0]))]
        if self.width:
            parts.append(f"{self.file.url} {self.width}w")
        return ", ".join(parts)


class PostQuerySet(models.QuerySet):
    def posts(self):
        return self.filter(kind=Post.Kind.POST)

    def pages(self):
        return self.filter(kind=Post.Kind.PAGE)

    def live(self):
        """Published and due: what an anonymous reader may see."""
        return self.filter(status=Post.Status.PUBLISHED, published_at__lte=timezone.now())

    def for_listing(self):
        # Terms link to their blog's pages, so they come with their blog.
        return self.select_related("blog", "author", "featured_image").prefetch_related(
            models.Prefetch("tags", queryset=Tag.objects.select_related("blog")),
            models.Prefetch("categories", queryset=Category.objects.select_related("blog")),
        )


class Post(models.Model):
    """A dated post or an undated page of a blog (one table, as WordPress has)."""

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        PAGE = "page", _("Page")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        PRIVATE = "private", _("Private")

    blog = models.ForeignKey(Blog, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POST)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts", verbose_name=_("author")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=200, allow_unicode=True, validators=[validate_slug])
    source = models.TextField(_("text"), blank=True, help_text=_("Markdown"))
    html = models.TextField(blank=True, editable=False)
    excerpt = models.TextField(_("excerpt"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("publish time"), null=True, blank=True, db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    categories = models.ManyToManyField(
        Category, blank=True, related_name="posts", verbose_name=_("categories")
    )
    featured_image = models.ForeignKey(
        Media, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("featured image"),
    )
    # Pages: their place in menus and an optional parent page.
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children")
    menu_order = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["blog", "slug"], name="unique_post_slug")]
        indexes = [models.Index(fields=["blog", "kind", "status", "published_at"])]

    def __str__(self):
        return self.title

    @property
    def is_page(self):
        return self.kind == self.Kind.PAGE

    def clean(self):
        if self.is_page and self.slug in RESERVED_PAGE_SLUGS:
            raise ValidationError(
                {"slug": _("“%(slug)s” is taken by the blog’s own pages.") % {"slug": self.slug}}
            )

    @property
    def is_live(self):
        return self.status == self.Status.PUBLISHED and self.published_at and self.published_at <= timezone.now()

    def local_date(self):
        """Publish date in the blog's time zone, which the post's URL uses."""
        return timezone.localtime(self.published_at or self.created_at, self.blog.tzinfo).date()

    def get_absolute_url(self):
        if self.is_page:
            return reverse("posts:page", kwargs={"blog_slug": self.blog.slug, "slug": self.slug})
        day = self.local_date()
        return reverse(
            "posts:post",
            kwargs={
                "blog_slug": self.blog.slug, "year": day.year, "month": f"{day.month:02d}",
                "day": f"{day.day:02d}", "slug": self.slug,
            },
        )

    @property
    def description(self):
        """The summary cut to what search engines and link previews show (about 160 characters)."""
        text = self.summary
        if len(text) <= 160:
            return text
        return text[:160].rsplit(" ", 1)[0].rstrip(" ,.;:…") + "…"

    @property
    def summary(self):
        """The excerpt, or the start of the text, as plain text."""
        text = self.excerpt or strip_tags(self.html)
        words = text.split()
        return " ".join(words[:55]) + ("…" if len(words) > 55 else "")


class Page(Post):
    """Pages seen through their own manager; same table as posts."""

    class Meta:
        proxy = True

    class PageManager(models.Manager.from_queryset(PostQuerySet)):
        def get_queryset(self):
            return super().get_queryset().filter(kind=Post.Kind.PAGE)

    objects = PageManager()


class Revision(models.Model):
    """A copy of a post as it was saved, so any earlier version can be restored."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    title = models.CharField(max_length=300)
    source = models.TextField(blank=True)
    excerpt = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class PostFragment(models.Model):
    """The parts of a post's page that are the same for every anonymous reader, rendered once.

    Kept per address and language the page was read in (`key`), with the blog's fragments token
    they were rendered under: any change the page shows gives the blog a new token, so a fragment
    is used only while nothing it shows has changed (samizdat.posts.fragments). Never a source of
    truth: deleting every row only costs a render.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="fragments")
    key = models.CharField(max_length=32)
    # The address (scheme, host and path) they were rendered for: after a change, the worker
    # renders them again from it, as the next reader of that address would.
    address = models.CharField(max_length=2000, blank=True)
    # A rendering is queued for the worker: the writers of a busy thread queue one between them.
    queued = models.BooleanField(default=False)
    token = models.CharField(max_length=24)
    # The page's <head> links and meta tags, its header, and its footer, as rendered.
    head = models.TextField()
    header = models.TextField()
    footer = models.TextField()
    # The page's content up to the comment form's time stamp, and after it (all of it in
    # `content` when comments are closed).
    content = models.TextField()
    tail = models.TextField(blank=True)
    has_form = models.BooleanField(default=True)
    # When what the fragment shows changes by itself (comments close after so many days).
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "key"], name="unique_post_fragment")]
