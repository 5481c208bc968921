#!/usr/bin/env bash
# Restores indices from a snapshot. Indices that exist are closed first (a restore cannot write
# into an open index), then restored from the snapshot. Every index this closed is opened again
# afterwards, whether the restore succeeded or not: the pattern also matches indices the snapshot
# does not hold (today's log index, written after the snapshot), which the restore would otherwise
# leave closed, refusing every read and write. Indices closed before the restore stay closed.
# Stop the service's writers first (they fail while the indices are closed).
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
# Reopen what we close: the same pattern, minus the indices that were already closed.
reopen="$INDICES"
while read -r index; do
  if [ -n "$index" ]; then reopen="${reopen},-${index}"; fi
done < <(es GET "/_cat/indices/${INDICES}?h=index&expand_wildcards=closed")
reopen_indices() {
  if es POST "/${reopen}/_open?expand_wildcards=closed&allow_no_indices=true&ignore_unavailable=true" >/dev/null; then
    echo "reopened the indices closed for the restore"
  else
    echo "could not reopen the indices closed for the restore; open them: POST /${reopen}/_open?expand_wildcards=closed" >&2
  fi
}
trap reopen_indices EXIT

es POST "/${INDICES}/_close?expand_wildcards=open&allow_no_indices=true&ignore_unavailable=true" >/dev/null
result="$(es POST "/_snapshot/${REPOSITORY}/${snapshot}/_restore?wait_for_completion=true" "{\"indices\":\"${INDICES}\",\"include_global_state\":false}")"
if ! printf '%s' "$result" | grep -q '"failed":0'; then
  echo "restore of ${snapshot} reported failures: ${result}" >&2
  exit 1
fi
echo "restored ${INDICES} from snapshot ${snapshot}"
