import datetime
import hashlib

from django.db import migrations, models
from django.utils import timezone


def fingerprint(text):
    # As samizdat.comments.models.fingerprint, frozen here.
    return hashlib.blake2b(" ".join(text.lower().split()).encode(), digest_size=16).hexdigest()


def fill_recent(apps, schema_editor):
    # The duplicate check looks back one day: comments of the last two get their digest, older
    # ones never need it (and a large instance's migration stays quick).
    Comment = apps.get_model("comments", "Comment")
    recent = Comment.objects.filter(created_at__gte=timezone.now() - datetime.timedelta(days=2))
    for pk, body in recent.values_list("pk", "body").iterator():
        Comment.objects.filter(pk=pk).update(fingerprint=fingerprint(body))


class Migration(migrations.Migration):

    dependencies = [
        ("comments", "0002_remote_author_avatar"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="fingerprint",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=32),
        ),
        migrations.RunPython(fill_recent, migrations.RunPython.noop),
    ]
