"""Editors may add, change, delete and publish documents; Contributors may add and change
draft documents (the admin refuses them publishing, as for records)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR = ["add_document", "change_document", "delete_document", "view_document"]
EDITOR += ["publish_document"]
CONTRIBUTOR = ["add_document", "change_document", "view_document"]


def permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(content_type__app_label="archive", codename__in=codenames)
    )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    app_config = apps.get_app_config("archive")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Editor"):
        group.permissions.add(*permissions(apps, EDITOR))
    for group in Group.objects.filter(name="Contributor"):
        group.permissions.add(*permissions(apps, CONTRIBUTOR))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Editor", "Contributor"]):
        group.permissions.remove(*permissions(apps, EDITOR))


class Migration(migrations.Migration):
    dependencies = [("archive", "0021_documents")]

    operations = [migrations.RunPython(grant, revoke)]
