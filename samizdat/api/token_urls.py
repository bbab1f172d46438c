from django.urls import path

from . import token_views

app_name = "tokens"

# Every URL here is in the permission matrix of tests/dashboard/test_permissions.py too.
urlpatterns = [
    path("", token_views.token_list, name="token_list"),
    path("<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]
