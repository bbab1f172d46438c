"""The dashboard's forms: they check what people type and hand it to the services."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from samizdat.blogs import services as blog_services
from samizdat.blogs.addresses import hosts_in_use
from samizdat.blogs.models import Blog, Membership
from samizdat.blogs.roles import Role
from samizdat.comments import services as comment_services
from samizdat.posts import services as post_services
from samizdat.posts.models import Category, Media, Post, Tag
from samizdat.posts.selectors import descendant_pks

# Page slugs that the blog's own URLs (/@blog/search/, /@blog/feed/, /@blog/mirrors/) would shadow.
RESERVED_PAGE_SLUGS = {"search", "feed", "mirrors"}


class PublishTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class _TermNames(forms.CharField):
    """Comma-separated tag names, cleaned to a list of distinct names."""

    def to_python(self, value):
        value = super().to_python(value)
        return list(dict.fromkeys(n.strip() for n in value.split(",") if n.strip()))

    def validate(self, value):
        super().validate(value)
        for name in value:
            if len(name) > 100:
                raise forms.ValidationError(_("Keep each tag under 100 characters."))
            if not slugify(name, allow_unicode=True):
                raise forms.ValidationError(
                    _("“%(name)s” needs at least one letter or digit."), params={"name": name}
                )


class PostForm(forms.ModelForm):
    """The Markdown editor for a post; `action` is the button pressed (save, publish, schedule…)."""

    tags = _TermNames(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas; new ones are created."),
    )
    categories = forms.TypedMultipleChoiceField(
        label=_("Categories"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    publish_at = forms.DateTimeField(
        label=_("Publish time"),
        required=False,
        widget=PublishTimeInput,
    )
    allow_comments = forms.BooleanField(
        label=_("Allow comments"), required=False, initial=True,
        help_text=_("Readers may comment on this post, if the blog’s discussion settings allow comments."),
    )

    class Meta:
        model = Post
        fields = ["title", "source", "excerpt", "slug", "featured_image"]
        widgets = {
            "source": forms.Textarea(attrs={"class": "editor", "rows": 20}),
            "excerpt": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, blog, action="save", **kwargs):
        super().__init__(*args, **kwargs)
        self.blog, self.action = blog, action
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "The last part of the address. Leave empty to make one from the title."
        )
        self.fields["excerpt"].help_text = _("Optional summary for listings and feeds.")
        self.fields["featured_image"].queryset = Media.objects.filter(
            blog=blog, content_type__startswith="image/"
        )
        self.fields["featured_image"].empty_label = _("None")
        self.fields["publish_at"].help_text = _(
            "In the blog’s time zone (%(tz)s). Needed to schedule; in the past to backdate; "
            "leave empty to publish now."
        ) % {"tz": blog.time_zone}
        if not self.is_bound and self.instance.published_at:
            self.initial["publish_at"] = self.instance.published_at
        if "allow_comments" in self.fields and self.instance.pk and not self.is_bound:
            self.initial["allow_comments"] = comment_services.post_switch_open(self.instance)
        if "categories" in self.fields:
            self.fields["categories"].choices = [
                (cat.pk, "— " * depth + cat.name) for cat, depth in post_services.category_choices(blog)
            ]
            if self.instance.pk and not self.is_bound:
                self.initial["categories"] = [c.pk for c in self.instance.categories.all()]
                self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug and Post.objects.filter(blog=self.blog, slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another post or page of this blog already has this address."))
        return slug

    def clean_categories(self):
        return list(Category.objects.filter(blog=self.blog, pk__in=self.cleaned_data["categories"]))

    def clean_publish_at(self):
        when = self.cleaned_data["publish_at"]
        if self.action == "schedule":
            if when is None:
                raise forms.ValidationError(_("Choose when to publish."))
            if when <= timezone.now():
                raise forms.ValidationError(_("This time has passed: choose a time in the future."))
        return when

    def submit(self, *, editor):
        """Store the post as the pressed button says: keep its status, publish, schedule or unpublish."""
        with transaction.atomic():
            post = self._store(editor)
            if "allow_comments" in self.fields:
                comment_services.set_post_open(post, self.cleaned_data["allow_comments"])
        return post

    def _store(self, editor):
        post = self.instance
        terms = {}
        if "tags" in self.fields:
            terms = {
                "tags": post_services.terms_from_names(self.blog, self.cleaned_data["tags"]),
                "categories": self.cleaned_data["categories"],
            }
        if self.action in ("publish", "schedule"):
            return post_services.publish_post(
                post, editor=editor, when=self.cleaned_data["publish_at"], **terms
            )
        if self.action == "unpublish":
            return post_services.unpublish_post(post, editor=editor, **terms)
        return post_services.save_post(post, editor=editor, **terms)


class PageForm(PostForm):
    """The same editor for a page: no tags or categories, a parent page and a menu order."""

    tags = None
    categories = None
    allow_comments = None

    class Meta(PostForm.Meta):
        fields = ["title", "source", "excerpt", "slug", "parent", "menu_order", "featured_image"]
        labels = {"parent": _("Parent page"), "menu_order": _("Menu order")}
        help_texts = {"menu_order": _("Lower numbers come first in the blog’s menu.")}

    def __init__(self, *args, blog, **kwargs):
        super().__init__(*args, blog=blog, **kwargs)
        excluded = descendant_pks(self.instance) if self.instance.pk else set()
        self.fields["parent"].queryset = Post.objects.pages().filter(blog=blog).exclude(pk__in=excluded)
        self.fields["parent"].empty_label = _("None (top level)")

    def clean_slug(self):
        slug = super().clean_slug()
        if slug in RESERVED_PAGE_SLUGS:
            raise forms.ValidationError(
                _("“%(slug)s” is taken by the blog’s own pages."), params={"slug": slug}
            )
        return slug


class PostFilterForm(forms.Form):
    """The post list's filters; anything invalid is ignored rather than refused."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    author = forms.TypedChoiceField(label=_("Author"), required=False, coerce=int, empty_value=None)
    q = forms.CharField(label=_("Title contains"), required=False, max_length=200)

    def __init__(self, *args, authors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any"))] + list(Post.Status.choices)
        self.fields["author"].choices = [("", _("Anyone"))] + [(u.pk, u.name) for u in authors]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["author"]:
            queryset = queryset.filter(author_id=data["author"])
        if data["q"]:
            queryset = queryset.filter(title__icontains=data["q"])
        return queryset


class _TermForm(forms.ModelForm):
    """Shared by tags and categories: the slug defaults to the name and is unique in the blog."""

    def __init__(self, *args, blog, **kwargs):
        super().__init__(*args, **kwargs)
        self.blog = blog
        self.instance.blog = blog
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Used in the address. Leave empty to make one from the name.")

    def clean(self):
        data = super().clean()
        if "name" in data and "slug" in data and not data["slug"]:
            data["slug"] = slugify(data["name"], allow_unicode=True)
            if not data["slug"]:
                self.add_error("name", _("The name needs at least one letter or digit."))
        slug = data.get("slug")
        model = self._meta.model
        if slug and model.objects.filter(blog=self.blog, slug=slug).exclude(pk=self.instance.pk).exists():
            field = "slug" if self.data.get(self.add_prefix("slug")) else "name"
            self.add_error(field, _("This blog already has one at the address “%(slug)s”.") % {"slug": slug})
        return data


class TagForm(_TermForm):
    class Meta:
        model = Tag
        fields = ["name", "slug"]


class CategoryForm(_TermForm):
    class Meta:
        model = Category
        fields = ["name", "slug", "parent", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, blog, **kwargs):
        super().__init__(*args, blog=blog, **kwargs)
        excluded = set()
        if self.instance.pk:
            excluded, frontier = {self.instance.pk}, [self.instance.pk]
            while frontier:
                frontier = list(
                    Category.objects.filter(parent_id__in=frontier)
                    .exclude(pk__in=excluded)
                    .values_list("pk", flat=True)
                )
                excluded.update(frontier)
        depth = {cat.pk: d for cat, d in post_services.category_choices(blog)}
        self.fields["parent"].queryset = Category.objects.filter(blog=blog).exclude(pk__in=excluded)
        self.fields["parent"].label_from_instance = lambda c: "— " * depth.get(c.pk, 0) + c.name
        self.fields["parent"].empty_label = _("None (top level)")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    alt = forms.CharField(
        label=_("Alternative text"),
        required=False,
        max_length=500,
        help_text=_("Describe the image for people who cannot see it."),
    )


class MediaForm(forms.ModelForm):
    class Meta:
        model = Media
        fields = ["alt"]
        help_texts = {"alt": _("Describe the image for people who cannot see it.")}


_domain = RegexValidator(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$",
    _("Enter a domain name such as news.example.org, without http:// or a path."),
)


class _BlogFields(forms.ModelForm):
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="UTC",
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
        help_text=_("A name such as Europe/Berlin or America/Mexico_City."),
    )

    @staticmethod
    def time_zones():
        return sorted(zoneinfo.available_timezones())


class BlogCreateForm(_BlogFields):
    class Meta:
        model = Blog
        fields = ["title", "slug", "tagline", "language", "time_zone"]
        help_texts = {"slug": _("The blog’s address: /@address/. Lower-case letters, digits, - and _.")}


class _DomainField(forms.CharField):
    """A host name, lower-cased and without a trailing dot; empty means none."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.lower().rstrip(".") or None if value else None


def _without_scheme(value):
    """A host name as people paste it, from a browser's address bar too: no scheme, no path."""
    value = value.strip().lower()
    for scheme in ("http://", "https://"):
        if value.startswith(scheme):
            value = value[len(scheme):]
    return value.rstrip("/").rstrip(".")


class _OnionField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return _without_scheme(value) or None if value else None


class _Lines(forms.CharField):
    """One value a line (blank lines ignored, repeats dropped), each checked by `clean_line`."""

    widget = forms.Textarea(attrs={"rows": 3})
    most = 20

    def to_python(self, value):
        lines = []
        for line in super().to_python(value).splitlines():
            line = self.normalise(line)
            if line and line not in lines:
                lines.append(line)
        return lines

    def normalise(self, line):
        return line.strip()

    def validate(self, value):
        super().validate(value)
        if len(value) > self.most:
            raise forms.ValidationError(_("Give at most %(most)d, one a line."), params={"most": self.most})
        for line in value:
            self.clean_line(line)


class _DomainLines(_Lines):
    def normalise(self, line):
        return _without_scheme(line)

    def clean_line(self, line):
        if line.endswith(".onion"):
            raise forms.ValidationError(_("Put the onion address in its own field: %(domain)s"), params={"domain": line})
        try:
            _domain(line)
        except forms.ValidationError:
            raise forms.ValidationError(_("“%(domain)s” is not a domain name."), params={"domain": line})


class _UrlLines(_Lines):
    def normalise(self, line):
        line = line.strip()
        return line if not line or "://" in line else "https://" + line

    def clean_line(self, line):
        try:
            URLValidator(schemes=["http", "https"])(line)
        except forms.ValidationError:
            raise forms.ValidationError(
                _("“%(url)s” is not a web address such as https://mirror.example.net/blog/."), params={"url": line}
            )


class BlogSettingsForm(_BlogFields):
    custom_domain = _DomainField(
        label=_("Custom domain"),
        required=False,
        max_length=253,
        validators=[_domain],
        help_text=Blog._meta.get_field("custom_domain").help_text,
    )
    onion_address = _OnionField(
        label=_("Onion address"),
        required=False,
        max_length=62,
        help_text=Blog._meta.get_field("onion_address").help_text,
    )
    mirror_domains = _DomainLines(
        label=_("Mirror domains"),
        required=False,
        help_text=_("Other domain names pointed at this server, one a line. The blog answers on each, "
                    "with links that stay on it, for readers who cannot reach the main domain."),
    )
    static_mirrors = _UrlLines(
        label=_("Static mirrors"),
        required=False,
        help_text=_("Addresses where copies made with “samizdat mirror” are published, one a line."),
    )

    class Meta:
        model = Blog
        fields = ["title", "tagline", "language", "time_zone", "posts_per_page", "custom_domain", "onion_address"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts_per_page"].widget.attrs.update(min=1, max=100)
        if self.instance.pk:
            self.initial.setdefault(
                "mirror_domains", "\n".join(m.domain for m in self.instance.mirror_domains.all())
            )
            self.initial.setdefault("static_mirrors", "\n".join(m.url for m in self.instance.static_mirrors.all()))

    def clean(self):
        data = super().clean()
        # Every host answers for one blog only, and never for the instance's own pages.
        taken = hosts_in_use(exclude_blog=self.instance) | set(settings.SAMIZDAT_HOSTS)
        own = [data.get("custom_domain"), data.get("onion_address")]
        for name in ("custom_domain", "onion_address", "mirror_domains"):
            value = data.get(name)
            for host in value if isinstance(value, list) else [value]:
                if host and host in taken:
                    self.add_error(name, _("%(domain)s is already in use on this server.") % {"domain": host})
                elif host and name == "mirror_domains" and host in own:
                    self.add_error(name, _("%(domain)s is already this blog’s own address.") % {"domain": host})
        return data

    @transaction.atomic
    def save(self, commit=True):
        blog = super().save()
        blog_services.set_alternate_addresses(
            blog, self.cleaned_data["mirror_domains"], self.cleaned_data["static_mirrors"]
        )
        return blog

    def clean_posts_per_page(self):
        value = self.cleaned_data["posts_per_page"]
        if value is not None and not 1 <= value <= 100:
            raise forms.ValidationError(_("Choose between 1 and 100 posts per page."))
        return value


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.AUTHOR)


class RoleForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class ProfileForm(forms.ModelForm):
    """One's public name and bio, and an avatar picture to upload or remove."""

    avatar = forms.ImageField(
        label=_("Avatar"), required=False,
        help_text=_("A square crop of it is shown, 96 pixels wide; location and camera data are removed."),
    )
    remove_avatar = forms.BooleanField(label=_("Use the generated pattern instead"), required=False)

    class Meta:
        model = get_user_model()
        fields = ["display_name", "bio", "language"]

    def __init__(self, *args, has_avatar=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_avatar:
            del self.fields["remove_avatar"]


class FederationSettingsForm(forms.Form):
    approve_followers = forms.BooleanField(
        label=_("Approve new followers from other servers"), required=False,
        help_text=_("When on, a follow request from a fediverse account waits on the Followers screen until an "
                    "owner or editor accepts it."),
    )
