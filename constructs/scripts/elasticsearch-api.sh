#!/usr/bin/env bash
# Elasticsearch API access shared by the snapshot, restore and init scripts (sourced, not run).
# Needs ES_URL (no trailing slash) and ELASTIC_PASSWORD; ES_CA_CERT, the PEM file of the private CA
# an https:// server's certificate is verified against (curl never skips verification here).

# A curl config holding the elastic user's credentials (and the CA); inside its quotes, \ and " are escaped.
es_auth_config() {
  local p="${ELASTIC_PASSWORD//\\/\\\\}"
  printf 'user = "elastic:%s"\n' "${p//\"/\\\"}"
  if [ -n "${ES_CA_CERT:-}" ]; then
    local c="${ES_CA_CERT//\\/\\\\}"
    printf 'cacert = "%s"\n' "${c//\"/\\\"}"
  fi
}

# es METHOD PATH [BODY]: prints the response body. On an answer other than 2xx it prints what
# Elasticsearch refused to stderr and fails. The credentials reach curl through a config on a file
# descriptor and the body on stdin, never its command line (visible in ps); the status is read from
# --write-out because --fail-with-body needs curl 7.76.
es() {
  local method="$1" path="$2" body="${3:-}" out code
  local data=()
  if [ -n "$body" ]; then data=(-H 'Content-Type: application/json' --data-binary @-); fi
  out="$(printf '%s' "$body" | curl --silent --show-error --config <(es_auth_config) -X "$method" "${data[@]}" \
    --write-out '\n%{http_code}' "${ES_URL}${path}")" || { echo "${method} ${path} failed: no response" >&2; return 1; }
  code="${out##*$'\n'}"
  if [[ ! "$code" =~ ^2[0-9][0-9]$ ]]; then
    echo "${method} ${path} failed (HTTP ${code}): ${out%$'\n'*}" >&2
    return 1
  fi
  printf '%s' "${out%$'\n'*}"
}
