#!/usr/bin/env bash
# Elasticsearch backup: registers the snapshot repository, takes a snapshot of every index and
# waits for it, then deletes snapshots older than RETENTION_DAYS except the newest successful one.
#
#   ES_URL            e.g. http://elasticsearch:9200
#   ELASTIC_PASSWORD  the `elastic` user's password (secret reference)
#   BACKUP_TARGET     s3://bucket/prefix (an `s3` repository) or file:///path (an `fs` repository,
#                     which must be listed in the nodes' path.repo)
#   REPOSITORY        repository name (default `backups`)
#   RETENTION_DAYS    whole days
set -euo pipefail
for v in ES_URL ELASTIC_PASSWORD BACKUP_TARGET RETENTION_DAYS; do [ -n "${!v:-}" ] || { echo "set ${v}" >&2; exit 2; }; done
REPOSITORY="${REPOSITORY:-backups}"
ES_URL="${ES_URL%/}"

# shellcheck source=elasticsearch-api.sh
source "$(dirname "$0")/elasticsearch-api.sh"

target="${BACKUP_TARGET%/}"
case "$target" in
  s3://*)
    rest="${target#s3://}"; bucket="${rest%%/*}"; base_path=""
    [ "$rest" != "$bucket" ] && base_path="${rest#*/}"
    repo_body="{\"type\":\"s3\",\"settings\":{\"bucket\":\"${bucket}\",\"base_path\":\"${base_path}\",\"server_side_encryption\":true}}"
    ;;
  file:///*) repo_body="{\"type\":\"fs\",\"settings\":{\"location\":\"${target#file://}\"}}" ;;
  *) echo "BACKUP_TARGET must start with s3:// or file:///, got ${BACKUP_TARGET}" >&2; exit 2 ;;
esac

es PUT "/_snapshot/${REPOSITORY}" "$repo_body" >/dev/null
snapshot="backup-$(date -u +%Y%m%dt%H%M%Sz)"
result="$(es PUT "/_snapshot/${REPOSITORY}/${snapshot}?wait_for_completion=true" '{"indices":"*","include_global_state":true}')"
if ! printf '%s' "$result" | grep -q '"state":"SUCCESS"'; then
  echo "snapshot ${snapshot} did not succeed: ${result}" >&2
  exit 1
fi
echo "snapshot ${snapshot} complete in repository ${REPOSITORY}"

cutoff_ms=$(( ($(date -u +%s) - RETENTION_DAYS * 86400) * 1000 ))
# id status end_epoch, oldest first; the newest SUCCESS is kept whatever its age.
listing="$(es GET "/_cat/snapshots/${REPOSITORY}?h=id,status,end_epoch&s=end_epoch")"
newest="$(printf '%s\n' "$listing" | awk '$2 == "SUCCESS" { id = $1 } END { print id }')"
printf '%s\n' "$listing" | while read -r id status end_epoch; do
  [ -n "$id" ] || continue
  [ "$id" = "$newest" ] && continue
  if [ $(( end_epoch * 1000 )) -lt "$cutoff_ms" ]; then
    es DELETE "/_snapshot/${REPOSITORY}/${id}" >/dev/null
    echo "retention: deleted snapshot ${id} (${status}, older than ${RETENTION_DAYS} days)"
  fi
done
