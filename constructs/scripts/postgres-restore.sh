#!/usr/bin/env bash
# Restores the verified dumps in RESTORE_DIR (see backup-fetch.sh) into their databases, which
# must exist (postgres-init.sql creates them with their owners). Objects that exist are replaced;
# one error stops the restore. Connection from the libpq variables, as a superuser.
#
# Refuses while any other client is connected to those databases: what the service writes during
# a restore is either lost (--clean drops it) or blocks the restore's locks, and the service would
# read a half-restored state. Stop the writers first (the API and the worker).
#
#   DATABASES    space-separated database names to restore
#   RESTORE_DIR  directory holding <db>.dump
#   NAMESPACE    named in the message saying how to stop the writers
set -euo pipefail
: "${DATABASES:?set DATABASES}"
: "${RESTORE_DIR:?set RESTORE_DIR}"

for db in $DATABASES; do
  if [ ! -f "$RESTORE_DIR/$db.dump" ]; then echo "no dump of ${db} in ${RESTORE_DIR}" >&2; exit 1; fi
done

# Client sessions on the databases, other than this one: `user@database (application) xN`.
sessions="$(psql --no-password --no-psqlrc --quiet --tuples-only --no-align --dbname=postgres -v ON_ERROR_STOP=1 -v dbs="$DATABASES" <<'SQL'
SELECT string_agg(format('%s@%s (%s) x%s', usename, datname, coalesce(nullif(application_name, ''), 'unnamed'), n), ', ' ORDER BY datname, usename)
  FROM (SELECT usename, datname, application_name, count(*) AS n
          FROM pg_stat_activity
         WHERE datname = ANY (string_to_array(:'dbs', ' ')) AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         GROUP BY 1, 2, 3) s;
SQL
)"
if [ -n "$sessions" ]; then
  {
    echo "refusing to restore: clients are connected to ${DATABASES// /, }: ${sessions}."
    echo "Stop the writers first, then start the restore again, e.g. for the service:"
    echo "  kubectl -n ${NAMESPACE:-<namespace>} scale deployment agent-api agent-worker --replicas=0"
    echo "(with Argo CD auto-sync turned off for the environment, or it scales them back up)."
  } >&2
  exit 3
fi
for db in $DATABASES; do
  pg_restore --no-password --exit-on-error --clean --if-exists --single-transaction --dbname="$db" "$RESTORE_DIR/$db.dump"
  echo "restored ${db}"
done
