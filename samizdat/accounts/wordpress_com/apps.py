from django.apps import AppConfig


class WordPressComConfig(AppConfig):
    name = "samizdat.accounts.wordpress_com"
    label = "wordpress_com"
    verbose_name = "WordPress.com sign-in"
