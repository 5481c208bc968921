#!/usr/bin/env bash
# Creates (or updates) a role and a user for each client of Elasticsearch, so that none of them
# signs in as `elastic`: Grafana's logs datasource (read the log indices), the service (read and
# write its own indices) and the exporter (`monitor`). PUT on both APIs creates or replaces, so
# every run converges and a rotated password reaches Elasticsearch on the next sync.
#
#   ES_URL             e.g. https://elasticsearch:9200
#   ES_CA_CERT         PEM file of the CA the server's certificate is verified against
#   ELASTIC_PASSWORD   the `elastic` user's password (secret reference)
#   READER_USER        e.g. grafana_logs
#   READER_PASSWORD    its password (secret reference)
#   READER_ROLE        e.g. logs_reader
#   LOG_INDICES        index pattern the role may read, e.g. ai-agent-*
#   SERVICE_USER       e.g. agent_service
#   SERVICE_PASSWORD   its password (secret reference)
#   SERVICE_ROLE       e.g. agent_service
#   SERVICE_INDICES    comma-separated index patterns the service owns, e.g. ai-agent-*
#   EXPORTER_USER      e.g. elasticsearch_exporter
#   EXPORTER_PASSWORD  its password (secret reference)
#   EXPORTER_ROLE      e.g. elasticsearch_exporter
#   WAIT_SECONDS       how long to wait for Elasticsearch (default 300)
set -euo pipefail
for v in ES_URL ELASTIC_PASSWORD READER_USER READER_PASSWORD READER_ROLE LOG_INDICES \
  SERVICE_USER SERVICE_PASSWORD SERVICE_ROLE SERVICE_INDICES EXPORTER_USER EXPORTER_PASSWORD EXPORTER_ROLE; do
  [ -n "${!v:-}" ] || { echo "set ${v}" >&2; exit 2; }
done
ES_URL="${ES_URL%/}"
# Names go into URL paths and JSON unescaped, so only characters that need no escaping are allowed.
for v in READER_USER READER_ROLE SERVICE_USER SERVICE_ROLE EXPORTER_USER EXPORTER_ROLE; do
  [[ "${!v}" =~ ^[a-z_][a-z0-9_-]*$ ]] || { echo "${v} must be lower-case letters, digits, _ or -, got ${!v}" >&2; exit 2; }
done
for v in READER_USER SERVICE_USER EXPORTER_USER; do
  [ "${!v}" != elastic ] || { echo "${v} must not be elastic, the superuser" >&2; exit 2; }
done
index_pattern='^[a-z0-9*][a-z0-9._*-]*$'
[[ "$LOG_INDICES" =~ $index_pattern ]] || { echo "LOG_INDICES must be an index pattern like ai-agent-*, got ${LOG_INDICES}" >&2; exit 2; }
service_indices_json=""
IFS=, read -r -a service_indices <<<"$SERVICE_INDICES"
for p in "${service_indices[@]}"; do
  [[ "$p" =~ $index_pattern ]] || { echo "SERVICE_INDICES must be comma-separated index patterns like ai-agent-*, got ${SERVICE_INDICES}" >&2; exit 2; }
  service_indices_json+="${service_indices_json:+,}\"${p}\""
done

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
service_password_json="$(json_string "$SERVICE_PASSWORD")"
exporter_password_json="$(json_string "$EXPORTER_PASSWORD")"

# A fresh cluster answers only once it has elected a master and its security index exists.
deadline=$(( $(date +%s) + ${WAIT_SECONDS:-300} ))
while :; do
  rc=0
  code="$(curl --silent --output /dev/null --write-out '%{http_code}' --config <(es_auth_config) \
    "${ES_URL}/_cluster/health?wait_for_status=yellow&timeout=10s")" || rc=$?
  # A certificate that does not verify will not start verifying by waiting: say so at once.
  case "$rc" in
    51|60|77) echo "Elasticsearch at ${ES_URL}: its certificate did not verify against ES_CA_CERT=${ES_CA_CERT:-(none: system CAs)} (curl exit ${rc})" >&2; exit 1 ;;
  esac
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

# The service's own indices: `read` and `view_index_metadata` to search them, `write` (index,
# update, delete documents, mapping updates) and `create_index` to fill them. No `manage`, no
# `delete_index`, no cluster privilege: a prompt-injected service reaches these indices only.
es PUT "/_security/role/${SERVICE_ROLE}" \
  "{\"cluster\":[],\"indices\":[{\"names\":[${service_indices_json}],\"privileges\":[\"read\",\"view_index_metadata\",\"write\",\"create_index\"]}]}" >/dev/null
echo "role ${SERVICE_ROLE} reads and writes ${SERVICE_INDICES}"
es PUT "/_security/user/${SERVICE_USER}" \
  "{\"password\":${service_password_json},\"roles\":[\"${SERVICE_ROLE}\"],\"full_name\":\"Agent service (its indices only)\"}" >/dev/null
echo "user ${SERVICE_USER} has role ${SERVICE_ROLE}"

# What elasticsearch_exporter v1.9.0's README lists for the collectors it runs here: cluster
# `monitor` (health, nodes stats, cluster settings) and, for --es.indices, index `monitor` on every
# index (stats, segments, recovery). Read-only: no document can be read through them.
es PUT "/_security/role/${EXPORTER_ROLE}" \
  '{"cluster":["monitor"],"indices":[{"names":["*"],"privileges":["monitor"]}]}' >/dev/null
echo "role ${EXPORTER_ROLE} monitors the cluster and its indices"
es PUT "/_security/user/${EXPORTER_USER}" \
  "{\"password\":${exporter_password_json},\"roles\":[\"${EXPORTER_ROLE}\"],\"full_name\":\"elasticsearch-exporter (monitor only)\"}" >/dev/null
echo "user ${EXPORTER_USER} has role ${EXPORTER_ROLE}"
