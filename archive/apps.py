from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from django.db.backends.signals import connection_created

        from .search.backends.sqlite import register_functions
        from .search.signals import connect

        connect()
        connection_created.connect(register_functions)
