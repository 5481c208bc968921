#!/usr/bin/env bash
# First step of the Postgres backup: one custom-format dump per database into BACKUP_DIR.
# Connection from the libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD from a secret).
#
#   DATABASES   space-separated database names
#   BACKUP_DIR  output directory
set -euo pipefail
: "${DATABASES:?set DATABASES}"
: "${BACKUP_DIR:?set BACKUP_DIR}"

for db in $DATABASES; do
  pg_dump --format=custom --compress=6 --no-password --dbname="$db" --file="$BACKUP_DIR/$db.dump"
  # An unreadable archive must fail the backup now, not the restore later.
  pg_restore --list "$BACKUP_DIR/$db.dump" >/dev/null
  echo "dumped ${db} ($(stat -c %s "$BACKUP_DIR/$db.dump") bytes)"
done
