"""A migration operation for SQL that differs per database: shown by ``sqlmigrate``.

``RunPython`` would hide the statements (``sqlmigrate`` prints "Raw Python operation");
``RunSQL`` runs the same statements everywhere. This runs each vendor's own list, nothing on
a database it does not name, and lets ``sqlmigrate`` print what a database would get.
"""

from django.db import migrations, router


class RunSQLForVendor(migrations.RunSQL):
    """``RunSQL`` with ``{"sqlite": [...], "postgresql": [...]}`` in place of one list."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self.sql.get(schema_editor.connection.vendor, []))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if self.reverse_sql is None:
            raise NotImplementedError("You cannot reverse this operation")
        if router.allow_migrate(schema_editor.connection.alias, app_label, **self.hints):
            self._run_sql(schema_editor, self.reverse_sql.get(schema_editor.connection.vendor, []))
