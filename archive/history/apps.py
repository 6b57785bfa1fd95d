from django.apps import AppConfig


class HistoryConfig(AppConfig):
    """Revision history as an app of its own (django-reversion underneath): the model that
    says where a revision came from, its migrations, and the registration of every kind."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "archive.history"
    label = "history"
    verbose_name = "History"

    def ready(self):
        from .registration import connect, register_kinds

        register_kinds()
        connect()
