"""Organisations are called so in the admin too (the British spelling the site shows).

State only: model options change no table, so ``sqlmigrate`` shows nothing.
"""

from django.db import migrations


class Migration(migrations.Migration):
    # Numbered 0019 until the migrations were renumbered in one line; a database
    # migrated before that records the old name, which this stands for.
    replaces = [("archive", "0019_organisation_verbose_names")]
    dependencies = [
        ("archive", "0011_editors_unlock_logins_and_remove_devices"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="organization",
            options={
                "ordering": ["name"],
                "permissions": [("publish_organization", "Can publish organisations")],
                "verbose_name": "organisation",
                "verbose_name_plural": "organisations",
            },
        ),
    ]
