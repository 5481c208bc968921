#!/usr/bin/env bash
# Uploads the dumps a backup's first step left in BACKUP_DIR as one backup under BACKUP_TARGET,
# each with its SHA-256 beside it and COMPLETE written last, then applies retention.
#
#   BACKUP_TARGET   s3://bucket/prefix or file:///path
#   BACKUP_DIR      directory holding the dumps (an emptyDir shared with the dump step)
#   RETENTION_DAYS  backups older than this are removed, except the newest complete one
#   BACKUP_ID       optional; default the current UTC time as 20261123T020000Z
set -euo pipefail
# shellcheck source=object-store.sh
source "$(dirname "$0")/object-store.sh"

: "${BACKUP_DIR:?set BACKUP_DIR}"
: "${RETENTION_DAYS:?set RETENTION_DAYS}"
case "$RETENTION_DAYS" in ''|*[!0-9]*) echo "RETENTION_DAYS must be a whole number of days, got ${RETENTION_DAYS}" >&2; exit 2 ;; esac
BACKUP_ID="${BACKUP_ID:-$(date -u +%Y%m%dT%H%M%SZ)}"

shopt -s nullglob
dumps=()
for f in "$BACKUP_DIR"/*; do
  [ -f "$f" ] || continue
  case "$f" in *.sha256) continue ;; esac
  dumps+=("$f")
done
if [ "${#dumps[@]}" -eq 0 ]; then
  echo "backup ${BACKUP_ID}: nothing to upload in ${BACKUP_DIR}; the dump step produced no file" >&2
  exit 1
fi
for f in "${dumps[@]}"; do
  if [ ! -s "$f" ]; then echo "backup ${BACKUP_ID}: $(basename "$f") is empty" >&2; exit 1; fi
done

manifest="$(mktemp)"
trap 'rm -f "$manifest"' EXIT
for f in "${dumps[@]}"; do
  name="$(basename "$f")"
  (cd "$BACKUP_DIR" && sha256sum "$name" >"$name.sha256")
  store_put "$f" "${BACKUP_ID}/${name}"
  store_put "$f.sha256" "${BACKUP_ID}/${name}.sha256"
  cat "$f.sha256" >>"$manifest"
  echo "backup ${BACKUP_ID}: uploaded ${name} ($(stat -c %s "$f") bytes)"
done
# Written last: its presence is what makes this backup restorable and "the newest successful one".
store_put "$manifest" "${BACKUP_ID}/COMPLETE"
echo "backup ${BACKUP_ID}: complete at ${BACKUP_TARGET}/${BACKUP_ID}/"

# Retention by the time in the id, not object dates: a copied bucket keeps its history.
cutoff=$(( $(date -u +%s) - RETENTION_DAYS * 86400 ))
newest="$(latest_complete_backup)"
ids="$(store_list_backups)"
for id in $ids; do
  [ "$id" = "$newest" ] && continue
  if [ "$(backup_epoch "$id")" -lt "$cutoff" ]; then
    store_remove_backup "$id"
    echo "retention: removed ${id} (older than ${RETENTION_DAYS} days)"
  fi
done
