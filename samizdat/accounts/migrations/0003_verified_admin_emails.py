"""Accounts made before allauth had their address vouched for by the admin who made them: record it
as verified, so they keep signing in (verification is mandatory). Imported authors (no usable
password) are left unverified: their address came from a file, and must not link accounts."""

from django.contrib.auth.hashers import is_password_usable
from django.db import migrations


def forwards(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    for user in User.objects.exclude(email=""):
        if not is_password_usable(user.password):
            continue
        if EmailAddress.objects.filter(email__iexact=user.email).exists():
            continue
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_login_attempts"), ("account", "0009_emailaddress_unique_primary_email")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
