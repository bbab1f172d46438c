from django.urls import path

from . import comment_views, follower_views, import_views, privacy, reader_views, reblog_views, views

app_name = "dashboard"

# Every URL here must also be in the permission matrix of tests/dashboard/test_permissions.py.
blog_patterns = [
    path("<slug:blog_slug>/posts/", views.post_list, name="post_list"),
    path("<slug:blog_slug>/posts/new/", views.post_create, name="post_create"),
    path("<slug:blog_slug>/posts/<int:pk>/", views.post_edit, name="post_edit"),
    path("<slug:blog_slug>/posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("<slug:blog_slug>/posts/<int:pk>/revisions/", views.post_revisions, name="post_revisions"),
    path(
        "<slug:blog_slug>/posts/<int:pk>/revisions/<int:revision_pk>/restore/",
        views.post_revision_restore,
        name="post_revision_restore",
    ),
    path("<slug:blog_slug>/import/", import_views.import_wordpress, name="import"),
    path("<slug:blog_slug>/import/<int:job_id>/", import_views.import_job, name="import_job"),
    path("<slug:blog_slug>/export/", import_views.export_wordpress, name="export"),
    path("<slug:blog_slug>/pages/", views.page_list, name="page_list"),
    path("<slug:blog_slug>/pages/new/", views.page_create, name="page_create"),
    path("<slug:blog_slug>/pages/<int:pk>/", views.page_edit, name="page_edit"),
    path("<slug:blog_slug>/pages/<int:pk>/delete/", views.page_delete, name="page_delete"),
    path("<slug:blog_slug>/pages/<int:pk>/revisions/", views.page_revisions, name="page_revisions"),
    path(
        "<slug:blog_slug>/pages/<int:pk>/revisions/<int:revision_pk>/restore/",
        views.page_revision_restore,
        name="page_revision_restore",
    ),
    path("<slug:blog_slug>/tags/", views.tag_list, name="tag_list"),
    path("<slug:blog_slug>/tags/<int:pk>/", views.tag_edit, name="tag_edit"),
    path("<slug:blog_slug>/tags/<int:pk>/delete/", views.tag_delete, name="tag_delete"),
    path("<slug:blog_slug>/categories/", views.category_list, name="category_list"),
    path("<slug:blog_slug>/categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("<slug:blog_slug>/categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("<slug:blog_slug>/media/", views.media_list, name="media_list"),
    path("<slug:blog_slug>/media/<int:pk>/", views.media_edit, name="media_edit"),
    path("<slug:blog_slug>/media/<int:pk>/delete/", views.media_delete, name="media_delete"),
    path("<slug:blog_slug>/settings/", views.settings, name="settings"),
    path("<slug:blog_slug>/settings/reblogs/", reblog_views.reblog_settings, name="reblog_settings"),
    path("<slug:blog_slug>/settings/federation/", follower_views.federation_settings, name="federation_settings"),
    path("<slug:blog_slug>/followers/", follower_views.followers, name="followers"),
    path("<slug:blog_slug>/followers/<int:pk>/accept/", follower_views.follower_accept, name="follower_accept"),
    path("<slug:blog_slug>/followers/<int:pk>/reject/", follower_views.follower_reject, name="follower_reject"),
    path("<slug:blog_slug>/members/", views.members, name="members"),
    path("<slug:blog_slug>/members/<int:pk>/role/", views.member_role, name="member_role"),
    path("<slug:blog_slug>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<slug:blog_slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("<slug:blog_slug>/comments/", comment_views.comment_list, name="comment_list"),
    path("<slug:blog_slug>/comments/bulk/", comment_views.comment_bulk, name="comment_bulk"),
    path("<slug:blog_slug>/comments/settings/", comment_views.comment_settings, name="comment_settings"),
    path("<slug:blog_slug>/comments/<int:pk>/", comment_views.comment_edit, name="comment_edit"),
    path("<slug:blog_slug>/comments/<int:pk>/moderate/", comment_views.comment_moderate, name="comment_moderate"),
    path("<slug:blog_slug>/comments/<int:pk>/reply/", comment_views.comment_reply, name="comment_reply"),
    path(
        "<slug:blog_slug>/comments/posts/<int:pk>/switch/", comment_views.comment_post_switch,
        name="comment_post_switch",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("new/", views.blog_create, name="blog_create"),
    path("reader/", reader_views.reader, name="reader"),
    path("reader/sources/", reader_views.sources, name="reader_sources"),
    path("reader/sources/<int:pk>/unsubscribe/", reader_views.unsubscribe, name="reader_unsubscribe"),
    path("reader/opml/", reader_views.opml_export, name="reader_opml"),
    path("reader/entries/<int:pk>/read/", reader_views.mark_read, name="reader_mark_read"),
    path("reader/posts/<int:pk>/read/", reader_views.mark_post_read, name="reader_mark_post_read"),
    path("reader/read-all/", reader_views.mark_all_read, name="reader_mark_all_read"),
    path("reader/entries/<int:pk>/reply/", reader_views.reply, name="reader_reply"),
    path("reader/entries/<int:pk>/interact/", reader_views.interact, name="reader_interact"),
    path("reader/actions/<int:pk>/undo/", reader_views.undo_interaction, name="reader_undo"),
    path("reader/replies/<int:pk>/delete/", reader_views.delete_reply, name="reader_reply_delete"),
    path("reblog/", reblog_views.reblog_url, name="reblog_url"),
    path("reblog/post/<int:post_id>/", reblog_views.reblog_post, name="reblog_post"),
    path("reblog/entry/<int:entry_id>/", reblog_views.reblog_entry, name="reblog_entry"),
    path("profile/", views.profile, name="profile"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("privacy/export.json", privacy.export, name="privacy_export"),
    path("privacy/delete/", privacy.delete_account, name="privacy_delete"),
    # After the blog patterns, so a blog called "invitations" keeps its dashboard; tokens are
    # 43 random characters and never one of the words above.
    *blog_patterns,
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
