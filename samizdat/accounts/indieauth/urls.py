from django.urls import path

from . import views

urlpatterns = [
    path("indieauth/connecting/<str:state>/", views.connecting, name="indieauth_connecting"),
    path("indieauth/login/callback/", views.callback, name="indieauth_callback"),
]
