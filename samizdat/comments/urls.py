from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("@<uslug:blog_slug>/comments/<int:post_id>/", views.post_comment, name="post"),
    path("@<uslug:blog_slug>/comments/<int:post_id>/sign-in/", views.sign_in_with, name="sign_in_with"),
    path("@<uslug:blog_slug>/comments/<int:post_id>/sign-out/", views.sign_out, name="sign_out"),
    path("@<uslug:blog_slug>/follow-by-email/", views.follow_by_email, name="follow_by_email"),
    path("comments/subscriptions/confirm/<str:token>/", views.confirm, name="confirm"),
    path("comments/subscriptions/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
