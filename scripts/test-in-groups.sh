#!/usr/bin/env bash
# The whole suite (the files `npm test` runs) in three groups at once, for CI: most tests wait on
# services (brokers electing a leader, HDFS, Trino, S3Mock), so two cores run three groups in about
# half the time of one. Each group runs its files one at a time, as `npm test` does. Tests that
# stop or kill shared services (the three-broker cluster) are all in the first group; every other
# test uses its own names (topics, schemas, buckets, lakes) or private services. A directory no
# group names runs in the last, so a new one is never left out. Prints each group's report whole,
# then exits non-zero if any group failed.
set -uo pipefail
cd "$(dirname "$0")/.."

named=(
  "faults eventlog deadletters commands compose config"
  "lake iceberg erase events load metrics"
)
rest=()
for dir in dist/test/*/; do
  dir=$(basename "$dir")
  compgen -G "dist/test/$dir/*.test.js" >/dev/null || continue
  [[ " ${named[*]} " == *" $dir "* ]] || rest+=("$dir")
done
groups=("${named[@]}" "${rest[*]}")

logs=$(mktemp -d)
pids=()
for i in "${!groups[@]}"; do
  files=()
  for dir in ${groups[$i]}; do files+=(dist/test/"$dir"/*.test.js); done
  node --test --test-concurrency=1 --test-timeout=300000 "${files[@]}" >"$logs/$i.log" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!groups[@]}"; do
  wait "${pids[$i]}" || failed=1
  echo "== test group $((i + 1)) of ${#groups[@]}: ${groups[$i]}"
  cat "$logs/$i.log"
done
rm -rf "$logs"
exit "$failed"
