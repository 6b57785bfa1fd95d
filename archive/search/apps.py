from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Full-text search as an app of its own: the index's model and migrations, and the signals
    that keep the index in step with the archive's records."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "archive.search"
    label = "search"
    verbose_name = "Search"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .backends.sqlite import register_functions
        from .signals import connect

        connect()
        connection_created.connect(register_functions, dispatch_uid="archive.search.functions")
