from .models import User


def create_user(username, password, *, email="", display_name="", is_superuser=False):
    """Create a local account; the instance admin when `is_superuser`."""
    user = User(username=username, email=email, display_name=display_name)
    user.set_password(password)
    user.is_staff = user.is_superuser = is_superuser
    user.full_clean(exclude=["password"])
    user.save()
    return user
