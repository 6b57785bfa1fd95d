from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from django.db.models.signals import post_migrate

        from .page_cache import install_triggers
        from .search.signals import connect

        connect()
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="archive.page_cache")
