from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from samizdat.blogs.services import create_blog


class Command(BaseCommand):
    help = "Create a blog, optionally with an owner."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The blog's address: /@<slug>/")
        parser.add_argument("title")
        parser.add_argument("--owner", help="Username of the owner.")
        parser.add_argument("--tagline", default="")
        parser.add_argument("--language", default="en")
        parser.add_argument("--time-zone", default="UTC")

    def handle(self, *args, slug, title, owner, tagline, language, time_zone, **options):
        user = None
        if owner:
            try:
                user = get_user_model().objects.get(username=owner)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No account named {owner!r}.")
        try:
            blog = create_blog(slug, title, owner=user, tagline=tagline, language=language, time_zone=time_zone)
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items()))
        self.stdout.write(self.style.SUCCESS(f"Created blog {blog.title} at /@{blog.slug}/"))
