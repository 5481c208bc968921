#!/usr/bin/env bash
# Restores indices from a snapshot. Indices that exist are closed first (a restore cannot write
# into an open index), then restored from the snapshot.
#
#   ES_URL, ELASTIC_PASSWORD, REPOSITORY (default `backups`)
#   SNAPSHOT  name, or `latest` (default) for the newest successful one
#   INDICES   index pattern to restore (default `*,-.*`: every index except system ones)
set -euo pipefail
for v in ES_URL ELASTIC_PASSWORD; do [ -n "${!v:-}" ] || { echo "set ${v}" >&2; exit 2; }; done
REPOSITORY="${REPOSITORY:-backups}"
INDICES="${INDICES:-*,-.*}"
ES_URL="${ES_URL%/}"

# shellcheck source=elasticsearch-api.sh
source "$(dirname "$0")/elasticsearch-api.sh"

snapshot="${SNAPSHOT:-latest}"
if [ "$snapshot" = latest ]; then
  snapshot="$(es GET "/_cat/snapshots/${REPOSITORY}?h=id,status,end_epoch&s=end_epoch" | awk '$2 == "SUCCESS" { id = $1 } END { print id }')"
  if [ -z "$snapshot" ]; then echo "no successful snapshot in repository ${REPOSITORY}" >&2; exit 1; fi
fi
es POST "/${INDICES}/_close?expand_wildcards=open&allow_no_indices=true&ignore_unavailable=true" >/dev/null
result="$(es POST "/_snapshot/${REPOSITORY}/${snapshot}/_restore?wait_for_completion=true" "{\"indices\":\"${INDICES}\",\"include_global_state\":false}")"
if ! printf '%s' "$result" | grep -q '"failed":0'; then
  echo "restore of ${snapshot} reported failures: ${result}" >&2
  exit 1
fi
echo "restored ${INDICES} from snapshot ${snapshot}"
