from django.urls import path

from . import views

app_name = "social"

# Under /@<blog>/ so that the blog's language and time zone apply to the answer.
urlpatterns = [
    path("@<uslug:blog_slug>/posts/<int:post_id>/like/", views.like, name="like"),
    path("@<uslug:blog_slug>/posts/<int:post_id>/unlike/", views.unlike, name="unlike"),
    path("@<uslug:blog_slug>/follow/", views.follow, name="follow"),
    path("@<uslug:blog_slug>/unfollow/", views.unfollow, name="unfollow"),
    path("~<str:username>/", views.profile, name="profile"),
]
