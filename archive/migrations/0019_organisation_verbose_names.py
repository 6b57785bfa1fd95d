"""Organisations are called so in the admin too (the British spelling the site shows).

State only: model options change no table, so ``sqlmigrate`` shows nothing.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0018_editors_unlock_logins_and_remove_devices"),
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
