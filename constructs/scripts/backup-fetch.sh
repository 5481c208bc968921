#!/usr/bin/env bash
# Downloads one complete backup into RESTORE_DIR and verifies every file against its SHA-256;
# the restore step runs only on verified files.
#
#   BACKUP_TARGET  s3://bucket/prefix or file:///path
#   RESTORE_DIR    where the files go (an emptyDir shared with the restore step)
#   BACKUP_ID      optional; default the newest complete backup
set -euo pipefail
# shellcheck source=object-store.sh
source "$(dirname "$0")/object-store.sh"

: "${RESTORE_DIR:?set RESTORE_DIR}"
id="${BACKUP_ID:-}"
if [ -z "$id" ] || [ "$id" = latest ]; then
  id="$(latest_complete_backup)"
  if [ -z "$id" ]; then echo "no complete backup under ${BACKUP_TARGET}" >&2; exit 1; fi
fi
if ! store_exists "$id/COMPLETE"; then
  echo "backup ${id} under ${BACKUP_TARGET} is not complete (no COMPLETE marker); refusing to restore it" >&2
  exit 1
fi

mkdir -p "$RESTORE_DIR"
files="$(store_list_files "$id")"
for name in $files; do
  store_get "$id/$name" "$RESTORE_DIR/$name"
done
(cd "$RESTORE_DIR" && for sum in *.sha256; do sha256sum --check --strict "$sum"; done)
# The manifest lists every dump the backup was made of: a missing one fails here.
(cd "$RESTORE_DIR" && sha256sum --check --strict COMPLETE)
printf '%s\n' "$id" >"$RESTORE_DIR/BACKUP_ID"
echo "fetched and verified backup ${id}"
