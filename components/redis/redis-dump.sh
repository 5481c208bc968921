#!/usr/bin/env bash
# First step of the Redis backup: an RDB snapshot streamed from the server by redis-cli --rdb.
# The password comes from REDISCLI_AUTH (a secret reference), never the command line.
#
#   REDIS_HOST, REDIS_PORT  the server
#   BACKUP_DIR              output directory
set -euo pipefail
: "${REDIS_HOST:?set REDIS_HOST}"
: "${REDIS_PORT:?set REDIS_PORT}"
: "${BACKUP_DIR:?set BACKUP_DIR}"

redis-cli --no-auth-warning -h "$REDIS_HOST" -p "$REDIS_PORT" --rdb "$BACKUP_DIR/dump.rdb" >&2
# redis-cli can leave a truncated file behind on some failures; an RDB always starts with "REDIS".
if [ "$(head -c 5 "$BACKUP_DIR/dump.rdb")" != REDIS ]; then
  echo "redis dump ${BACKUP_DIR}/dump.rdb is not an RDB file" >&2
  exit 1
fi
echo "dumped redis ($(stat -c %s "$BACKUP_DIR/dump.rdb") bytes)"
