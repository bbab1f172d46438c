from django.urls import include, path

from . import views

urlpatterns = [
    path("fediverse/<str:provider_id>/", include([
        path("login/", views.login, name="fediverse_login"),
        path("login/callback/", views.callback, name="fediverse_callback"),
    ])),
]
