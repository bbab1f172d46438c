"""The public Mirrors page: every address where a blog can be read, and the key its copies carry."""

from django.shortcuts import render

from samizdat.blogs.addresses import blog_addresses
from samizdat.pages.decorators import public_page
from samizdat.posts.selectors import get_blog, menu_pages

from .signing import public_key_for


@public_page
def mirrors(request, blog_slug):
    """List the blog's addresses, so a reader who loses one knows the others (and can save the page)."""
    blog = get_blog(request, blog_slug)
    return render(
        request,
        "portability/mirrors.html",
        {
            "blog": blog,
            "menu_pages": menu_pages(blog),
            "addresses": blog_addresses(blog),
            "public_key": public_key_for(blog),
        },
    )
