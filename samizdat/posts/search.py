"""Full-text search of posts: SQLite FTS5 or PostgreSQL full-text search."""


def index_post(post):
    """Bring the search index up to date with `post` (filled in by the search work)."""


def search_posts(blog, query):
    """Live posts of `blog` matching `query`, best first (filled in by the search work)."""
    return []
