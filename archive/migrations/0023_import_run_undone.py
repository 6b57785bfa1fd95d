"""Import runs can be undone (``manage.py undo_import``, the admin's action): when and by whom
a run was undone, and the right to undo, which Editors get (Contributors do not)."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models


def undo_permission(apps):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="archive", codename="undo_importrun"
    )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the Editor group needs this now.
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for editor in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        editor.permissions.add(undo_permission(apps))


def revoke(apps, schema_editor):
    for editor in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        editor.permissions.remove(undo_permission(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0022_merges"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="importrun",
            options={
                "ordering": ["-started_at"],
                "permissions": [("undo_importrun", "Can undo import runs")],
            },
        ),
        migrations.AddField(
            model_name="importrun",
            name="highest_pks",
            field=models.JSONField(
                blank=True,
                default=dict,
                editable=False,
                help_text="The highest primary key of each kind of record (and of tags) as the "
                "run began: a record above it was created during the run (see undo_import).",
            ),
        ),
        migrations.AddField(
            model_name="importrun",
            name="undone_at",
            field=models.DateTimeField(
                blank=True, help_text="When the run was undone (see undo_import).", null=True
            ),
        ),
        migrations.AddField(
            model_name="importrun",
            name="undone_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who undid the run; empty for an undo run from the command line.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
