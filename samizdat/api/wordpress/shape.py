"""WordPress's global parameters on every wp/v2 answer: `_links`, `_embed` and `_fields`.

As WordPress (developer.wordpress.org/rest-api/using-the-rest-api/global-parameters/): `_embed`
adds `_embedded` with the objects the answer links to as embeddable (here `author`,
`wp:featuredmedia` and `wp:term`), in WordPress's "embed" context; `_embed=author,wp:term`
(WordPress 5.4+) embeds only those relations. `_fields=id,title.rendered` (or `_fields[]=…`) keeps
only the named fields, dotted names reaching into objects (WordPress 5.3+); `_links` and
`_embedded` stay only when named, as in WordPress 5.5+.
"""

from django.contrib.auth import get_user_model

from samizdat.posts.models import Category, Media, Tag

from . import render

EMBEDDABLE = ("author", "wp:featuredmedia", "wp:term")
# The fields of each type in WordPress's "embed" context.
EMBED_FIELDS = {
    "user": ("id", "name", "url", "description", "link", "slug", "avatar_urls"),
    "media": ("id", "date", "slug", "type", "link", "title", "author", "caption", "alt_text", "media_type",
              "mime_type", "media_details", "source_url"),
    "term": ("id", "link", "name", "slug", "taxonomy"),
}


def _list_param(request, name):
    values = request.GET.getlist(f"{name}[]") or request.GET.getlist(name)
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def wanted_embeds(request):
    """The relations `_embed` asks for (all for `_embed`, `_embed=1` or `true`), or None without it."""
    if "_embed" not in request.GET and "_embed[]" not in request.GET:
        return None
    named = [rel for rel in _list_param(request, "_embed") if rel not in ("1", "true")]
    return [rel for rel in EMBEDDABLE if not named or rel in named]


def wanted_fields(request):
    """The `_fields` asked for, or None for all."""
    fields = _list_param(request, "_fields")
    return fields or None


def _only(data, names):
    return {key: data[key] for key in names if key in data}


def _embedded_for(item, rels, found, request):
    embedded = {}
    links = item.get("_links", {})
    if "author" in rels and "author" in links:
        user = found["users"].get(item.get("author"))
        if user is not None:
            embedded["author"] = [_only(render.user(user, request), EMBED_FIELDS["user"])]
    if "wp:featuredmedia" in rels and "wp:featuredmedia" in links:
        media = found["media"].get(item.get("featured_media"))
        if media is not None:
            embedded["wp:featuredmedia"] = [_only(render.media(media, request), EMBED_FIELDS["media"])]
    if "wp:term" in rels and "wp:term" in links:
        embedded["wp:term"] = [
            [_only(render.term(found[key][pk], request, taxonomy), EMBED_FIELDS["term"])
             for pk in item.get(key, []) if pk in found[key]]
            for key, taxonomy in (("categories", "category"), ("tags", "post_tag"))
        ]
    return embedded


def embed(items, rels, blog, request):
    """Add `_embedded` to each item (dicts as render makes them), fetching what they link to at once."""
    user_ids = {i.get("author") for i in items if i.get("author")}
    media_ids = {i.get("featured_media") for i in items if i.get("featured_media")}
    category_ids = {pk for i in items for pk in i.get("categories", [])}
    tag_ids = {pk for i in items for pk in i.get("tags", [])}
    found = {
        "users": get_user_model().objects.in_bulk(user_ids) if "author" in rels else {},
        "media": Media.objects.filter(blog=blog).select_related("blog").in_bulk(media_ids)
        if "wp:featuredmedia" in rels else {},
        "categories": Category.objects.filter(blog=blog).select_related("blog").in_bulk(category_ids)
        if "wp:term" in rels else {},
        "tags": Tag.objects.filter(blog=blog).select_related("blog").in_bulk(tag_ids) if "wp:term" in rels else {},
    }
    for item in items:
        embedded = _embedded_for(item, rels, found, request)
        if embedded:
            item["_embedded"] = embedded


def _pick(data, paths):
    """`data` with only the dotted `paths` (["title.rendered", "id"]) kept."""
    out = {}
    for path in paths:
        head, _sep, rest = path.partition(".")
        if head not in data:
            continue
        if rest and isinstance(data[head], dict):
            picked = _pick(data[head], [rest])
            if picked:
                existing = out.get(head)
                out[head] = {**existing, **picked} if isinstance(existing, dict) else picked
        elif not rest:
            out[head] = data[head]
    return out


def shape(data, request, blog):
    """Apply `_embed` and `_fields` to an answer's object or list of objects."""
    items = data if isinstance(data, list) else [data]
    items = [item for item in items if isinstance(item, dict)]
    rels = wanted_embeds(request)
    if rels:
        embed(items, rels, blog, request)
    fields = wanted_fields(request)
    if fields is None:
        return data
    if isinstance(data, list):
        return [_pick(item, fields) if isinstance(item, dict) else item for item in data]
    return _pick(data, fields) if isinstance(data, dict) else data
