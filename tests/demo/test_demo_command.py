"""The demo command on an instance with or without blogs of its own."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samizdat.blogs.models import Blog
from samizdat.demo.services import DEMO_PASSWORD, DEMO_USERNAME


def test_demo_command_if_empty_leaves_existing_blogs_alone(make_blog, capsys):
    make_blog("ours")
    call_command("demo", "--if-empty")
    assert list(Blog.objects.values_list("slug", flat=True)) == ["ours"]
    assert "already there" in capsys.readouterr().out


def test_demo_command_prints_progress_and_sign_in(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "/@dispatch/" in out and "/@listok/" in out and f"{DEMO_USERNAME} / {DEMO_PASSWORD}" in out


def test_demo_command_refuses_to_add_public_passwords_beside_real_blogs(make_blog):
    make_blog("ours")
    with pytest.raises(CommandError, match="--force"):
        call_command("demo")
    assert not Blog.objects.filter(slug="dispatch").exists()
