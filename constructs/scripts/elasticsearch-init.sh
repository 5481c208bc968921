#!/usr/bin/env bash
# Creates (or updates) the read-only user Grafana's logs datasource signs in as: a role that may
# read the log indices and nothing else, and a user holding only that role. PUT on both APIs
# creates or replaces, so every run converges and a rotated password reaches Elasticsearch on the
# next sync.
#
#   ES_URL             e.g. http://elasticsearch:9200
#   ELASTIC_PASSWORD   the `elastic` user's password (secret reference)
#   READER_USER        e.g. grafana_logs
#   READER_PASSWORD    its password (secret reference)
#   READER_ROLE        e.g. logs_reader
#   LOG_INDICES        index pattern the role may read, e.g. ai-agent-*
#   WAIT_SECONDS       how long to wait for Elasticsearch (default 300)
set -euo pipefail
for v in ES_URL ELASTIC_PASSWORD READER_USER READER_PASSWORD READER_ROLE LOG_INDICES; do
  [ -n "${!v:-}" ] || { echo "set ${v}" >&2; exit 2; }
done
ES_URL="${ES_URL%/}"
# Names go into URL paths and JSON unescaped, so only characters that need no escaping are allowed.
for v in READER_USER READER_ROLE; do
  [[ "${!v}" =~ ^[a-z_][a-z0-9_-]*$ ]] || { echo "${v} must be lower-case letters, digits, _ or -, got ${!v}" >&2; exit 2; }
done
[[ "$LOG_INDICES" =~ ^[a-z0-9*][a-z0-9._*-]*$ ]] || { echo "LOG_INDICES must be an index pattern like ai-agent-*, got ${LOG_INDICES}" >&2; exit 2; }

# A JSON string literal; control characters are refused rather than escaped one by one.
json_string() {
  local s="$1"
  if [[ "$s" =~ [[:cntrl:]] ]]; then echo "a password must not contain control characters" >&2; exit 2; fi
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

# shellcheck source=elasticsearch-api.sh
source "$(dirname "$0")/elasticsearch-api.sh"

# Assigned, not inlined, so that a refused password stops the script (set -e).
reader_password_json="$(json_string "$READER_PASSWORD")"

# A fresh cluster answers only once it has elected a master and its security index exists.
deadline=$(( $(date +%s) + ${WAIT_SECONDS:-300} ))
while :; do
  code="$(curl --silent --output /dev/null --write-out '%{http_code}' --config <(es_auth_config) \
    "${ES_URL}/_cluster/health?wait_for_status=yellow&timeout=10s" || true)"
  case "$code" in
    200) break ;;
    401|403) echo "Elasticsearch at ${ES_URL} refused the elastic user (HTTP ${code})" >&2; exit 1 ;;
  esac
  if [ "$(date +%s)" -ge "$deadline" ]; then echo "Elasticsearch at ${ES_URL} not ready after ${WAIT_SECONDS:-300}s (last HTTP ${code:-none})" >&2; exit 1; fi
  sleep 2
done

# `monitor` answers Grafana's version and health checks (GET /); `view_index_metadata` its field
# lookups (_mapping, _field_caps); `read` its searches. Nothing here can write or delete.
es PUT "/_security/role/${READER_ROLE}" \
  "{\"cluster\":[\"monitor\"],\"indices\":[{\"names\":[\"${LOG_INDICES}\"],\"privileges\":[\"read\",\"view_index_metadata\"]}]}" >/dev/null
echo "role ${READER_ROLE} reads ${LOG_INDICES}"
es PUT "/_security/user/${READER_USER}" \
  "{\"password\":${reader_password_json},\"roles\":[\"${READER_ROLE}\"],\"full_name\":\"Grafana logs datasource (read-only)\"}" >/dev/null
echo "user ${READER_USER} has role ${READER_ROLE}"
