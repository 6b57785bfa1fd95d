"""Editors may clear login lockouts: view and delete django-axes' access attempts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = [
    "view_accessattempt",
    "delete_accessattempt",
    "view_accessfailurelog",
    "view_accesslog",
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the Editor group needs them now.
    axes = apps.get_app_config("axes")
    axes.models_module = True
    create_permissions(axes, apps=apps, verbosity=0)
    axes.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES)
    for editor in Group.objects.filter(name="Editor"):
        editor.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES)
    for editor in Group.objects.filter(name="Editor"):
        editor.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0013_article_list_indexes"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
