"""Tag counts over published records (``TagUse``), kept by the triggers ``archive.tag_uses``
makes after every ``migrate``, which also counts them for the first time."""

import django.db.models.deletion
from django.db import migrations, models


def drop_triggers(apps, schema_editor):
    from archive.tag_uses import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    # Numbered 0021 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0021_tag_uses")]
    dependencies = [
        ("archive", "0013_stamps_changed_at_commit"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="TagUse",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("uses", models.IntegerField(default=0)),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="archive_uses",
                        to="taggit.tag",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("tag", "content_type"), name="archive_taguse_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(migrations.RunPython.noop, drop_triggers),
    ]
