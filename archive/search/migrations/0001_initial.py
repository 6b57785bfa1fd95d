"""The search index's model, taken over from the archive app (its migration 0020).

State only: the archive app's migrations made the tables (``archive_searchentry``, kept by
``db_table``) and the raw SQL around them (FTS5 table and triggers on SQLite, GIN indexes on
PostgreSQL: 0003_search, 0005_search_at_scale, 0010_search_folded_words), on fresh databases
as on old ones. A database that already had the model keeps its content type and permissions,
moved to this app, as a fresh database would have them.
"""

import django.contrib.postgres.search
from django.db import migrations, models

MODEL = "searchentry"


def move_content_type(old_app, new_app):
    def operation(apps, schema_editor):
        content_types = apps.get_model("contenttypes", "ContentType").objects.using(
            schema_editor.connection.alias
        )
        if not content_types.filter(app_label=new_app, model=MODEL).exists():
            content_types.filter(app_label=old_app, model=MODEL).update(app_label=new_app)

    return operation


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("archive", "0020_search_entry_moves_to_search_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SearchEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                help_text="The record's model name, e.g. “person”.", max_length=20
                            ),
                        ),
                        ("object_id", models.BigIntegerField()),
                        ("slug", models.CharField(max_length=200)),
                        ("section", models.CharField(blank=True, max_length=200)),
                        ("year", models.IntegerField(blank=True, null=True)),
                        (
                            "date",
                            models.CharField(
                                blank=True,
                                help_text="The date as the page shows it.",
                                max_length=40,
                            ),
                        ),
                        (
                            "title",
                            models.CharField(help_text="What a result is called.", max_length=500),
                        ),
                        ("heading", models.TextField(blank=True)),
                        (
                            "names",
                            models.TextField(
                                blank=True, help_text="The record's other names and aliases."
                            ),
                        ),
                        (
                            "related",
                            models.TextField(
                                blank=True, help_text="Names of the published records it links."
                            ),
                        ),
                        ("tag_names", models.TextField(blank=True)),
                        ("body", models.TextField(blank=True)),
                        (
                            "vector",
                            django.contrib.postgres.search.SearchVectorField(
                                editable=False, help_text="PostgreSQL only.", null=True
                            ),
                        ),
                        (
                            "tags",
                            models.ManyToManyField(
                                blank=True,
                                db_table="archive_searchentry_tags",
                                related_name="+",
                                to="taggit.tag",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name_plural": "search entries",
                        "db_table": "archive_searchentry",
                        "indexes": [
                            models.Index(
                                fields=["kind", "section", "year"],
                                name="archive_searchentry_facets",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "object_id"), name="archive_searchentry_record"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            move_content_type("archive", "search"), move_content_type("search", "archive")
        ),
    ]
