from django.urls import path

from . import views

app_name = "federation"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("actor", views.instance_actor, name="instance_actor"),
    path("inbox", views.shared_inbox, name="shared_inbox"),
    path("ap/comments/<int:pk>", views.comment_object, name="comment"),
    path("ap/notes/<int:pk>", views.reader_reply, name="reader_reply"),
    path("ap/quote-authorizations/<int:pk>", views.quote_authorization, name="quote_authorization"),
    path("@<uslug:blog_slug>/ap/inbox", views.blog_inbox, name="inbox"),
    path("@<uslug:blog_slug>/ap/outbox", views.outbox, name="outbox"),
    path("@<uslug:blog_slug>/ap/followers", views.followers, name="followers"),
    path("@<uslug:blog_slug>/ap/following", views.following, name="following"),
    path("@<uslug:blog_slug>/ap/featured", views.featured, name="featured"),
    path("@<uslug:blog_slug>/ap/icon.png", views.icon, name="icon"),
]
