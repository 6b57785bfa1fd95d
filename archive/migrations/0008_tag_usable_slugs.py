"""Tags whose names have no letters or digits were stored with an empty slug (or taggit's
"_1"), which no URL can hold: give each one "tag", "tag-2", ... as new tags get."""

from django.db import migrations


def give_usable_slugs(apps, schema_editor):
    from archive.tagging import has_usable_slug, unique_fallback_slug

    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.order_by("pk"):
        if not has_usable_slug(tag.slug):
            tag.slug = unique_fallback_slug(Tag, tag.pk)
            tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    # Numbered 0015 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0015_tag_usable_slugs")]
    dependencies = [
        ("archive", "0007_page_cache_stamp"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(give_usable_slugs, migrations.RunPython.noop)]
