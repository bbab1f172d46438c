from django.urls import path

from . import views

app_name = "portability"

urlpatterns = [
    path("@<uslug:blog_slug>/mirrors/", views.mirrors, name="mirrors"),
]
