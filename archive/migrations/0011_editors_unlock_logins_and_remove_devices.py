"""Editors may clear login lockouts (django-axes' access attempts) and remove a colleague's
two-factor devices (django-otp), e.g. after a lost phone."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = {
    "axes": [
        "view_accessattempt",
        "delete_accessattempt",
        "view_accessfailurelog",
        "view_accesslog",
    ],
    "otp_totp": ["view_totpdevice", "delete_totpdevice"],
    "otp_static": ["view_staticdevice", "delete_staticdevice"],
}


def permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, codenames in CODENAMES.items():
        found += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    return found


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the Editor group needs them now.
    for app_label in CODENAMES:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    for editor in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        editor.permissions.add(*permissions(apps))


def revoke(apps, schema_editor):
    for editor in apps.get_model("auth", "Group").objects.filter(name="Editor"):
        editor.permissions.remove(*permissions(apps))


class Migration(migrations.Migration):
    # Numbered 0018 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0018_editors_unlock_logins_and_remove_devices")]
    dependencies = [
        ("archive", "0010_search_folded_words"),
        ("axes", "0010_accessattemptexpiration"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
