from .models import User


def create_user(username, password, *, email="", display_name="", is_superuser=False):
    """Create a local account; the instance admin when `is_superuser`."""
    user = User(username=username, email=email, display_name=display_name)
    user.set_password(password)
    user.is_staff = user.is_superuser = is_superuser
    user.full_clean(exclude=["password"])
    user.save()
    return user


def create_placeholder_user(username, *, email="", display_name=""):
    """An account that cannot sign in (no usable password), standing for an imported author.

    The username gets a number when taken; an admin can later hand the account over with a
    password reset, or merge it by hand.
    """
    base, n = username[:140] or "author", 2
    while User.objects.filter(username__iexact=username).exists():
        username = f"{base}-{n}"
        n += 1
    user = User(username=username, email=email, display_name=display_name)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user
