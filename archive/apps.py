from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "archive"
    verbose_name = "Archive"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, pre_save
        from taggit.models import Tag

        from .db_statistics import refresh as refresh_statistics
        from .documents import delete_unused_files, document_added
        from .documents.extraction import document_added as extract_text
        from .models import Document
        from .page_cache import install_triggers
        from .tag_uses import install_triggers as install_tag_use_triggers
        from .tagging import give_tag_a_usable_slug

        document_added.connect(extract_text, dispatch_uid="archive.document_text")
        post_delete.connect(delete_unused_files, sender=Document, dispatch_uid="archive.files")
        pre_save.connect(give_tag_a_usable_slug, sender=Tag, dispatch_uid="archive.tag_slug")
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="archive.page_cache")
        post_migrate.connect(install_tag_use_triggers, sender=self, dispatch_uid="archive.tag_uses")
        post_migrate.connect(refresh_statistics, sender=self, dispatch_uid="archive.statistics")
