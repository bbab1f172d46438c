from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("@<uslug:blog_slug>/comments/<int:post_id>/", views.post_comment, name="post"),
    path("comments/subscriptions/confirm/<str:token>/", views.confirm, name="confirm"),
    path("comments/subscriptions/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
