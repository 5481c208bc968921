#!/usr/bin/env bash
# Object-store access shared by the backup and restore scripts (sourced, not run).
#
# BACKUP_TARGET is `s3://bucket/prefix` in the cluster, or `file:///path` in tests and for a
# restore from a copy on disk. A backup is a directory `<target>/<id>/` holding the dumps, one
# `<file>.sha256` per dump, and `COMPLETE`, written last: a backup without it never finished and is
# neither restored nor counted as the newest successful one.

: "${BACKUP_TARGET:?set BACKUP_TARGET to s3://bucket/prefix or file:///path}"
BACKUP_TARGET="${BACKUP_TARGET%/}"

case "$BACKUP_TARGET" in
  s3://*) STORE_KIND=s3 ;;
  file:///*) STORE_KIND=file; STORE_ROOT="${BACKUP_TARGET#file://}" ;;
  *) echo "BACKUP_TARGET must start with s3:// or file:///, got ${BACKUP_TARGET}" >&2; exit 2 ;;
esac

# store_put LOCAL_FILE REL_PATH
store_put() {
  if [ "$STORE_KIND" = s3 ]; then
    # S3 verifies the SHA-256 of what it received against what was sent.
    aws s3 cp --only-show-errors --checksum-algorithm SHA256 "$1" "${BACKUP_TARGET}/$2"
  else
    mkdir -p "$(dirname "${STORE_ROOT}/$2")"
    cp "$1" "${STORE_ROOT}/$2.partial"
    mv "${STORE_ROOT}/$2.partial" "${STORE_ROOT}/$2"
  fi
}

# store_get REL_PATH LOCAL_FILE
store_get() {
  if [ "$STORE_KIND" = s3 ]; then
    aws s3 cp --only-show-errors "${BACKUP_TARGET}/$1" "$2"
  else
    cp "${STORE_ROOT}/$1" "$2"
  fi
}

# store_exists REL_PATH
store_exists() {
  if [ "$STORE_KIND" = s3 ]; then
    aws s3 ls "${BACKUP_TARGET}/$1" >/dev/null 2>&1
  else
    [ -f "${STORE_ROOT}/$1" ]
  fi
}

# store_list_files ID: names of the files of one backup, one per line.
store_list_files() {
  if [ "$STORE_KIND" = s3 ]; then
    aws s3 ls "${BACKUP_TARGET}/$1/" | awk '{ print $4 }'
  else
    (cd "${STORE_ROOT}/$1" && ls -1)
  fi
}

# store_list_backups: ids of every backup, complete or not, oldest first. A listing that fails
# (permissions, network) fails the caller; only "no backup yet" is an empty answer.
store_list_backups() {
  if [ "$STORE_KIND" = s3 ]; then
    aws s3 ls "${BACKUP_TARGET}/" | awk '$1 == "PRE" { sub("/$", "", $2); print $2 }' | { grep -E '^[0-9]{8}T[0-9]{6}Z$' || true; } | sort
  else
    [ -d "$STORE_ROOT" ] || return 0
    (cd "$STORE_ROOT" && ls -1) | { grep -E '^[0-9]{8}T[0-9]{6}Z$' || true; } | sort
  fi
}

# store_remove_backup ID
store_remove_backup() {
  if [ "$STORE_KIND" = s3 ]; then
    aws s3 rm --only-show-errors --recursive "${BACKUP_TARGET}/$1/"
  else
    rm -rf -- "${STORE_ROOT:?}/$1"
  fi
}

# backup_epoch ID: seconds since the epoch of a backup id (20261123T020000Z).
backup_epoch() {
  local id="$1"
  date -u -d "${id:0:4}-${id:4:2}-${id:6:2} ${id:9:2}:${id:11:2}:${id:13:2} UTC" +%s
}

# latest_complete_backup: the newest backup with its COMPLETE marker, or nothing.
latest_complete_backup() {
  local id ids latest=""
  # Assigned first: a failing listing inside `for ... in $(...)` would go unnoticed.
  ids="$(store_list_backups)" || return 1
  for id in $ids; do
    if store_exists "$id/COMPLETE"; then latest="$id"; fi
  done
  printf '%s' "$latest"
}
