#!/usr/bin/env bash
# Puts a verified RDB (see backup-fetch.sh) into a stopped Redis's data directory, to be loaded on
# its next start. With appendonly on, Redis 7 reads only the AOF and ignores dump.rdb when no AOF
# exists, so the RDB is installed as the base of a fresh multi-part AOF (an RDB-format base is what
# Redis itself writes with aof-use-rdb-preamble) and as dump.rdb. The current data is moved aside,
# not deleted.
#
#   RESTORE_DIR     directory holding dump.rdb
#   REDIS_DATA_DIR  the data volume of the (stopped) Redis
#   AOF_DIR_NAME    Redis `appenddirname` (default appendonlydir)
#   AOF_FILE_NAME   Redis `appendfilename` (default appendonly.aof)
set -euo pipefail
: "${RESTORE_DIR:?set RESTORE_DIR}"
: "${REDIS_DATA_DIR:?set REDIS_DATA_DIR}"
aof_dir="${AOF_DIR_NAME:-appendonlydir}"
aof_file="${AOF_FILE_NAME:-appendonly.aof}"

if [ ! -f "$RESTORE_DIR/dump.rdb" ]; then echo "no dump.rdb in ${RESTORE_DIR}" >&2; exit 1; fi
aside="$REDIS_DATA_DIR/pre-restore-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$aside"
for entry in dump.rdb "$aof_dir" "$aof_file"; do
  if [ -e "$REDIS_DATA_DIR/$entry" ]; then mv "$REDIS_DATA_DIR/$entry" "$aside/"; fi
done

staging="$REDIS_DATA_DIR/.restore-$$"
mkdir -p "$staging/$aof_dir"
cp "$RESTORE_DIR/dump.rdb" "$staging/dump.rdb"
cp "$RESTORE_DIR/dump.rdb" "$staging/$aof_dir/${aof_file}.1.base.rdb"
printf 'file %s seq 1 type b\n' "${aof_file}.1.base.rdb" >"$staging/$aof_dir/${aof_file}.manifest"
mv "$staging/$aof_dir" "$REDIS_DATA_DIR/$aof_dir"
mv "$staging/dump.rdb" "$REDIS_DATA_DIR/dump.rdb"
rmdir "$staging"
echo "restored dump.rdb into ${REDIS_DATA_DIR} (as dump.rdb and as the AOF base); previous data kept in ${aside}"
