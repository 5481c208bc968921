#!/usr/bin/env bash
# Puts a verified RDB (see backup-fetch.sh) into a stopped Redis's data directory, to be loaded on
# its next start. Refuses to touch the directory while the Redis using it answers: a running Redis
# keeps its AOF open, appends to it and rewrites it on shutdown, so it would undo the restore.
# (ReadWriteOnce is per node, so Kubernetes alone may mount the volume beside it.) With appendonly on, Redis 7 reads only the AOF and ignores dump.rdb when no AOF
# exists, so the RDB is installed as the base of a fresh multi-part AOF (an RDB-format base is what
# Redis itself writes with aof-use-rdb-preamble) and as dump.rdb. The current data is moved aside,
# not deleted.
#
#   RESTORE_DIR     directory holding dump.rdb
#   REDIS_DATA_DIR  the data volume of the (stopped) Redis
#   AOF_DIR_NAME    Redis `appenddirname` (default appendonlydir)
#   AOF_FILE_NAME   Redis `appendfilename` (default appendonly.aof)
#   REDIS_HOST      where the Redis owning REDIS_DATA_DIR would answer (its pod, not a Service,
#                   which hides a running pod that is not ready); REDIS_PORT (default 6379)
#   REDIS_STATEFULSET, NAMESPACE   named in the message saying how to stop it
set -euo pipefail
: "${RESTORE_DIR:?set RESTORE_DIR}"
: "${REDIS_DATA_DIR:?set REDIS_DATA_DIR}"
: "${REDIS_HOST:?set REDIS_HOST to the Redis that owns REDIS_DATA_DIR; the restore runs only while it is stopped}"
aof_dir="${AOF_DIR_NAME:-appendonlydir}"
aof_file="${AOF_FILE_NAME:-appendonly.aof}"
port="${REDIS_PORT:-6379}"

# Any reply (PONG, NOAUTH, LOADING, ...) means a Redis runs there. Only "could not connect"
# (nothing listens, or the pod's name no longer resolves) counts as stopped; no reply within 5 s
# is not proof that it is stopped.
status=0
reply="$(timeout 5 redis-cli --no-auth-warning -h "$REDIS_HOST" -p "$port" ping 2>&1)" || status=$?
if [ "$status" -eq 124 ] || ! printf '%s' "$reply" | grep -q '^Could not connect to Redis'; then
  if [ "$status" -eq 124 ]; then reply="no reply within 5 s"; fi
  {
    echo "refusing to restore: Redis at ${REDIS_HOST}:${port} is running on this data (it answered: ${reply%%$'\n'*})."
    echo "Stop it first, then start the restore again:"
    echo "  kubectl -n ${NAMESPACE:-<namespace>} scale statefulset ${REDIS_STATEFULSET:-redis} --replicas=0"
    echo "(with Argo CD auto-sync turned off for the environment, or it scales Redis back up)."
  } >&2
  exit 3
fi
echo "Redis at ${REDIS_HOST}:${port} does not answer (${reply%%$'\n'*}); restoring"

if [ ! -f "$RESTORE_DIR/dump.rdb" ]; then echo "no dump.rdb in ${RESTORE_DIR}" >&2; exit 1; fi
aside="$REDIS_DATA_DIR/pre-restore-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$aside"
for entry in dump.rdb "$aof_dir" "$aof_file"; do
  if [ -e "$REDIS_DATA_DIR/$entry" ]; then mv "$REDIS_DATA_DIR/$entry" "$aside/"; fi
done

staging="$REDIS_DATA_DIR/.restore-$$"
mkdir -p "$staging/$aof_dir"
cp "$RESTORE_DIR/dump.rdb" "$staging/dump.rdb"
cp "$RESTORE_DIR/dump.rdb" "$staging/$aof_dir/${aof_file}.1.base.rdb"
printf 'file %s seq 1 type b\n' "${aof_file}.1.base.rdb" >"$staging/$aof_dir/${aof_file}.manifest"
mv "$staging/$aof_dir" "$REDIS_DATA_DIR/$aof_dir"
mv "$staging/dump.rdb" "$REDIS_DATA_DIR/dump.rdb"
rmdir "$staging"
echo "restored dump.rdb into ${REDIS_DATA_DIR} (as dump.rdb and as the AOF base); previous data kept in ${aside}"
