from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("@<uslug:blog_slug>/comments/<int:post_id>/", views.post_comment, name="post"),
    path("@<uslug:blog_slug>/follow-by-email/", views.follow_by_email, name="follow_by_email"),
    path("comments/subscriptions/confirm/<str:token>/", views.confirm, name="confirm"),
    path("comments/subscriptions/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
