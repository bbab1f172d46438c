"""Demo content written for Samizdat, so a fresh `make run` shows a living site."""

from pathlib import Path

from django.db import transaction

from samizdat.accounts.models import User
from samizdat.accounts.services import create_user
from samizdat.blogs.models import Blog
from samizdat.blogs.services import create_blog

CONTENT = Path(__file__).parent / "content"
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "samizdat-demo"


def has_content():
    return Blog.objects.exists()


@transaction.atomic
def load_demo(progress=print):
    """Create the demo writers, blogs and posts; returns a one-line summary."""
    admin = User.objects.filter(username=DEMO_USERNAME).first() or create_user(
        DEMO_USERNAME, DEMO_PASSWORD, display_name="Demo Admin", is_superuser=True
    )
    blog = Blog.objects.filter(slug="dispatch").first() or create_blog(
        "dispatch", "Dispatch", owner=admin, tagline="Reports from the picket line"
    )
    progress(f"  blog /@{blog.slug}/")
    return "1 blog"
