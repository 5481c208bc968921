#!/usr/bin/env bash
# Restores the verified dumps in RESTORE_DIR (see backup-fetch.sh) into their databases, which
# must exist (postgres-init.sql creates them with their owners). Objects that exist are replaced;
# one error stops the restore. Connection from the libpq variables, as a superuser.
#
#   DATABASES    space-separated database names to restore
#   RESTORE_DIR  directory holding <db>.dump
set -euo pipefail
: "${DATABASES:?set DATABASES}"
: "${RESTORE_DIR:?set RESTORE_DIR}"

for db in $DATABASES; do
  if [ ! -f "$RESTORE_DIR/$db.dump" ]; then echo "no dump of ${db} in ${RESTORE_DIR}" >&2; exit 1; fi
done
for db in $DATABASES; do
  pg_restore --no-password --exit-on-error --clean --if-exists --single-transaction --dbname="$db" "$RESTORE_DIR/$db.dump"
  echo "restored ${db}"
done
