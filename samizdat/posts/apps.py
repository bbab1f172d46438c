from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "samizdat.posts"
    label = "posts"

    def ready(self):
        from samizdat.pages import invalidation

        from . import tasks

        # A changed post's shared parts are rendered again in the worker, not by its next reader.
        invalidation.on_posts_changed(tasks.queue_fragment_renders)
