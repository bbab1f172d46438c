"""Forms of the reblog screens: pick the blog, comment, and (from the web) edit the quotation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from samizdat.blogs.roles import Cap
from samizdat.blogs.services import membership_for
from samizdat.reblogs.services import Source


class ReblogForm(forms.Form):
    """Reblog a local post: the target blog, an optional comment, publish or draft."""

    blog = forms.ModelChoiceField(label=_("Reblog to"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title"), max_length=300)
    comment = forms.CharField(
        label=_("Your comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown; shown above the reblogged post."),
    )

    def __init__(self, *args, blogs, user, action="publish", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["blog"].queryset = blogs
        self.user, self.action = user, action

    def clean_blog(self):
        blog = self.cleaned_data["blog"]
        membership = membership_for(self.user, blog)
        if membership is None or not membership.can(Cap.EDIT_POSTS):
            raise forms.ValidationError(_("You cannot write on that blog."))
        if self.action == "publish" and not membership.can(Cap.PUBLISH_POSTS):
            raise forms.ValidationError(_("You may save a draft on that blog, but not publish."))
        return blog


class WebReblogForm(ReblogForm):
    """Reblog a page from the web: what was extracted travels in the form, editable where shown."""

    quoted_html = forms.CharField(
        label=_("Quoted text"), required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("HTML, cleaned when saved. Shorten it as you like; the credit line is added."),
    )
    source_url = forms.URLField(max_length=2000, widget=forms.HiddenInput, assume_scheme="https")
    source_title = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
    source_author = forms.CharField(
        label=_("Original author"), max_length=200, required=False,
    )
    source_site = forms.CharField(label=_("Original site"), max_length=200, required=False)
    source_site_url = forms.URLField(max_length=2000, required=False, widget=forms.HiddenInput, assume_scheme="https")
    source_published_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    source_image_url = forms.URLField(max_length=2000, required=False, widget=forms.HiddenInput, assume_scheme="https")
    source_image_alt = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)
    source_fediverse_id = forms.URLField(max_length=500, required=False, widget=forms.HiddenInput, assume_scheme="https")

    field_order = ["blog", "title", "comment", "quoted_html", "source_author", "source_site"]

    @staticmethod
    def initial_from(source):
        return {
            "title": source.title[:300], "quoted_html": source.html, "source_url": source.url,
            "source_title": source.title, "source_author": source.author, "source_site": source.site,
            "source_site_url": source.site_url,
            "source_published_at": source.published_at.isoformat() if source.published_at else "",
            "source_image_url": source.image_url, "source_image_alt": source.image_alt,
            "source_fediverse_id": source.fediverse_id,
        }

    def source(self):
        data = self.cleaned_data
        return Source(
            url=data["source_url"], title=data["source_title"] or data["title"], author=data["source_author"],
            site=data["source_site"], site_url=data["source_site_url"] or "",
            published_at=data["source_published_at"], image_url=data["source_image_url"] or "",
            image_alt=data["source_image_alt"], fediverse_id=data["source_fediverse_id"] or "",
        )


class FetchForm(forms.Form):
    url = forms.URLField(
        label=_("Address of the post"), max_length=2000, assume_scheme="https",
        help_text=_("Any web page: a WordPress, Ghost or Medium post, a news article, a plain page."),
    )


class ReblogSettingsForm(forms.Form):
    excerpt_only = forms.BooleanField(
        label=_("Reblogs show an excerpt only"), required=False,
        help_text=_("Other blogs that reblog your posts then show the first words and a link, not the full text."),
    )
