"""Dropping the display-version triggers of migration 0023 (migration 0024)."""


def drop_all(apps, schema_editor):
    quote = schema_editor.quote_name
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("compliance").get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ] + ["auth_user"]
    vendor = schema_editor.connection.vendor
    for table in sorted(set(tables)):
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS wego_display_changed ON {quote(table)}")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(f'wego_display_changed_{table}_{event}')}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS wego_display_changed()")
