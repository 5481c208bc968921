#!/usr/bin/env bash
# A stand-in for the AWS CLI's `s3 cp`, `s3 ls` and `s3 rm --recursive` for the backup tests,
# keeping "s3://bucket/key" under $FAKE_S3_ROOT/bucket/key and logging each call to $FAKE_S3_LOG.
# `ls` prints what the real CLI prints (`PRE name/` for prefixes, `date time size name` for
# objects) and exits 1 for a prefix with nothing under it; FAKE_S3_DENY=ls makes every listing
# fail like a missing permission.
set -euo pipefail
echo "$*" >>"$FAKE_S3_LOG"
[ "$1" = s3 ] || { echo "fake aws: only s3" >&2; exit 2; }
cmd="$2"; shift 2
args=()
for a in "$@"; do
  case "$a" in --only-show-errors|--recursive) ;; --checksum-algorithm) ;; SHA256) ;; *) args+=("$a") ;; esac
done
local_of() { local u="${1#s3://}"; printf '%s/%s' "$FAKE_S3_ROOT" "$u"; }
case "$cmd" in
  cp)
    src="${args[0]}"; dst="${args[1]}"
    if [[ "$src" == s3://* ]]; then cp "$(local_of "$src")" "$dst"; else mkdir -p "$(dirname "$(local_of "$dst")")"; cp "$src" "$(local_of "$dst")"; fi ;;
  ls)
    [ "${FAKE_S3_DENY:-}" = ls ] && { echo "An error occurred (AccessDenied) when calling the ListObjectsV2 operation" >&2; exit 254; }
    dir="$(local_of "${args[0]}")"
    # An object key lists that object, as the real CLI's prefix match does.
    if [ -f "$dir" ]; then printf '2026-11-23 02:00:00 %10d %s\n' "$(stat -c %s "$dir")" "$(basename "$dir")"; exit 0; fi
    [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] || exit 1
    for e in "$dir"/*; do
      if [ -d "$e" ]; then printf '                           PRE %s/\n' "$(basename "$e")";
      else printf '2026-11-23 02:00:00 %10d %s\n' "$(stat -c %s "$e")" "$(basename "$e")"; fi
    done ;;
  rm) rm -rf "$(local_of "${args[0]}")" ;;
  *) echo "fake aws: unknown s3 $cmd" >&2; exit 2 ;;
esac
