#!/bin/sh
# docker-entrypoint-initdb.d: run once, as the image's superuser, when the database volume
# is created. Makes the tracker's database and its two non-superuser roles (roles.sql).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v db="${WEGO_DB_NAME:-wego}" \
    -v owner="${WEGO_DB_OWNER:-wego_owner}" -v owner_password="$WEGO_DB_OWNER_PASSWORD" \
    -v app="${WEGO_DB_APP:-wego_app}" -v app_password="$WEGO_DB_APP_PASSWORD" \
    -f /wego/roles.sql
