"""Deliveries share one stored copy of their activity (OutgoingActivity) instead of a copy each.

Queued deliveries keep going: each activity's payload is moved into one OutgoingActivity, which
its rows then name. Reversible (each row gets its copy back)."""

import django.db.models.deletion
from django.db import migrations, models


def share(apps, schema_editor):
    Delivery = apps.get_model("federation", "Delivery")
    OutgoingActivity = apps.get_model("federation", "OutgoingActivity")
    # One row per activity is read for its payload: the rows of one activity carry the same one.
    firsts = Delivery.objects.values("activity_id").annotate(first=models.Min("pk")).values_list("first", flat=True)
    for row in Delivery.objects.filter(pk__in=list(firsts)).only("activity_id", "payload").iterator(chunk_size=500):
        outgoing = OutgoingActivity.objects.create(activity_id=row.activity_id, payload=row.payload)
        Delivery.objects.filter(activity_id=row.activity_id).update(outgoing=outgoing)


def unshare(apps, schema_editor):
    Delivery = apps.get_model("federation", "Delivery")
    OutgoingActivity = apps.get_model("federation", "OutgoingActivity")
    for outgoing in OutgoingActivity.objects.iterator(chunk_size=500):
        Delivery.objects.filter(outgoing=outgoing).update(payload=outgoing.payload)


class Migration(migrations.Migration):

    dependencies = [
        ("federation", "0006_quote_rejected"),
    ]

    operations = [
        migrations.CreateModel(
            name="OutgoingActivity",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("activity_id", models.URLField(max_length=500, unique=True)),
                ("payload", models.JSONField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name_plural": "outgoing activities"},
        ),
        migrations.AddField(
            model_name="delivery",
            name="outgoing",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.CASCADE, related_name="deliveries",
                to="federation.outgoingactivity",
            ),
        ),
        migrations.AlterField(model_name="delivery", name="payload", field=models.JSONField(null=True)),
        migrations.RunPython(share, unshare),
        migrations.RemoveField(model_name="delivery", name="payload"),
        migrations.AlterField(
            model_name="delivery",
            name="outgoing",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="deliveries",
                to="federation.outgoingactivity",
            ),
        ),
    ]
