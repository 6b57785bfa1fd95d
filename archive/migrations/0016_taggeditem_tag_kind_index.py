"""An index on taggit's tagged items by tag, kind and record, so the records of one kind that
carry a tag are a range of one index (taggit indexes the tag alone: finding the 300
organisations tagged "Iran" read the 60,000 items of every kind carrying it)."""

from django.db import migrations

INDEX = "archive_taggeditem_tag_kind"


class Migration(migrations.Migration):
    # Numbered 0023 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0023_taggeditem_tag_kind_index")]
    dependencies = [
        ("archive", "0015_article_list_order_index"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON taggit_taggeditem (tag_id, content_type_id, object_id)",
            f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
