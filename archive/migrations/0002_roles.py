"""The two editorial roles, as groups with their permissions.

Editor: everything, including publishing and deleting.
Contributor: creates and edits drafts; cannot publish or delete (enforced in the admin).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RECORDS = ["article", "person", "organization", "place", "event", "quotation"]


def permissions_for(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    found = list(Permission.objects.filter(codename__in=codenames))
    missing = set(codenames) - {permission.codename for permission in found}
    if missing:
        raise RuntimeError(f"Permissions missing: {sorted(missing)}")
    return found


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    editor_codenames = [
        f"{action}_{model}"
        for model in [*RECORDS, "affiliation", "tag", "taggeditem"]
        for action in ("add", "change", "delete", "view")
    ]
    editor_codenames += [f"publish_{model}" for model in RECORDS]
    editor_codenames += ["view_importrun"]
    contributor_codenames = [
        f"{action}_{model}"
        for model in [*RECORDS, "affiliation"]
        for action in ("add", "change", "view")
    ]
    contributor_codenames += ["add_tag", "view_tag", "view_importrun"]

    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(permissions_for(apps, editor_codenames))
    contributor, _ = Group.objects.get_or_create(name="Contributor")
    contributor.permissions.set(permissions_for(apps, contributor_codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editor", "Contributor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
