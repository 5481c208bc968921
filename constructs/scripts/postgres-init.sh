#!/usr/bin/env bash
# Runs postgres-init.sql once the server accepts connections. Connection from the libpq
# variables (PGHOST, PGPORT, PGUSER and PGPASSWORD of a superuser); names and passwords from
# APP_DB, APP_DB_USER, APP_DB_PASSWORD, LANGMEM_DB, LANGMEM_DB_USER, LANGMEM_DB_PASSWORD.
#
#   WAIT_SECONDS  how long to wait for the server (default 300)
set -euo pipefail
for v in APP_DB APP_DB_USER APP_DB_PASSWORD LANGMEM_DB LANGMEM_DB_USER LANGMEM_DB_PASSWORD; do
  [ -n "${!v:-}" ] || { echo "set ${v}" >&2; exit 2; }
done

deadline=$(( $(date +%s) + ${WAIT_SECONDS:-300} ))
until pg_isready --quiet --dbname=postgres; do
  if [ "$(date +%s)" -ge "$deadline" ]; then echo "postgres at ${PGHOST:-local}:${PGPORT:-5432} not ready after ${WAIT_SECONDS:-300}s" >&2; exit 1; fi
  sleep 2
done

psql --no-password --no-psqlrc --quiet --dbname=postgres \
  -v app_db="$APP_DB" -v app_user="$APP_DB_USER" -v app_password="$APP_DB_PASSWORD" \
  -v langmem_db="$LANGMEM_DB" -v langmem_user="$LANGMEM_DB_USER" -v langmem_password="$LANGMEM_DB_PASSWORD" \
  --file="$(dirname "$0")/postgres-init.sql"
echo "databases ${APP_DB} and ${LANGMEM_DB} ready"
