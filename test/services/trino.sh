#!/usr/bin/env bash
# Starts (or stops) a single-node Trino 476 with a Hive catalog over a local file metastore, from the
# Maven Central tarball, bound to 127.0.0.1:${GAMEPIPE_TEST_TRINO_PORT:-8080}. Used by .ci/run, tests
# and developers:
#   test/services/trino.sh start      start with an empty metastore (what CI wants)
#   test/services/trino.sh stop | status
#   test/services/trino.sh cli-path   print the path of the Trino CLI jar (fetched if needed), run as
#                                     java -Dorg.jline.terminal.dumb=true -jar <jar> --server 127.0.0.1:8080 ...
# The server and CLI are shared under ${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}; each
# port's config, data and metastore live in trino-<port>/. With GAMEPIPE_TEST_TRINO_METASTORE_URI set
# (e.g. thrift://127.0.0.1:9083, test/services/hive-metastore.sh), the Hive catalog uses that Hive
# metastore instead of the file one, and an `iceberg` catalog on the same metastore is written too:
# Trino hands `hive.<schema>.<iceberg table>` over to it (hive.iceberg-catalog-name), so queries typed
# against the hive catalog answer on Iceberg tables as well.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
services=${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}
version=476
server=$services/trino-server
cli=$services/trino-cli-$version-executable.jar
port=${GAMEPIPE_TEST_TRINO_PORT:-8080}
heap_mb=${GAMEPIPE_TEST_TRINO_HEAP_MB:-1536}
metastore_uri=${GAMEPIPE_TEST_TRINO_METASTORE_URI:-}
s3_endpoint=${GAMEPIPE_TEST_TRINO_S3_ENDPOINT:-http://127.0.0.1:${GAMEPIPE_TEST_S3_PORT:-9190}}
root=$services/trino-$port
# Trino 476 needs Java 24 or newer; the CLI runs on 17 too.
java_home=${GAMEPIPE_TEST_TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

is_up() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
is_ready() { curl -fsS "http://127.0.0.1:$port/v1/info" 2>/dev/null | grep -q '"starting":false'; }

fetch_server() {
  # An install pruned before the iceberg plugin was kept lacks it: extract again (the tarball is cached).
  [ -f "$server/.complete" ] && [ -d "$server/plugin/iceberg" ] && return 0
  echo "trino: resolving io.trino:trino-server:$version:tar.gz from Maven Central (821 MB, cached in ~/.m2)"
  local download=$services/trino-download
  rm -rf "$download" "$server"
  mkdir -p "$download"
  mvn -q dependency:copy -Dartifact="io.trino:trino-server:$version:tar.gz" -DoutputDirectory="$download"
  # The tarball stores duplicate jars as hard links across plugins: extract everything, then prune.
  tar -xzf "$download/trino-server-$version.tar.gz" -C "$download"
  mv "$download/trino-server-$version" "$server"
  rm -rf "$download"
  find "$server/plugin" -mindepth 1 -maxdepth 1 -type d ! -name hive ! -name iceberg -exec rm -rf {} +
  touch "$server/.complete"
}

fetch_cli() {
  [ -f "$cli" ] && return 0
  mkdir -p "$services"
  mvn -q dependency:copy -Dartifact="io.trino:trino-cli:$version:jar:executable" -DoutputDirectory="$services"
}

write_config() {
  rm -rf "$root/etc" "$root/metastore"
  mkdir -p "$root/etc/catalog" "$root/var" "$root/metastore"
  local fill=(-e "s#@PORT@#$port#g" -e "s#@HEAP@#${heap_mb}M#g" -e "s#@HALF_HEAP@#$((heap_mb / 2))MB#g"
    -e "s#@DATA@#$root/var#g" -e "s#@METASTORE@#$root/metastore#g")
  for file in config.properties jvm.config node.properties log.properties catalog/hive.properties; do
    sed "${fill[@]}" "$here/trino/$file" > "$root/etc/$file"
  done
  if [ -n "$metastore_uri" ]; then
    # The file metastore's two settings give way to the Thrift one (Trino refuses unused properties).
    sed -i -e 's#^hive.metastore=file$#hive.metastore=thrift#' -e "s#^hive.metastore.catalog.dir=.*#hive.metastore.uri=$metastore_uri#" \
      -e '/^hive.metastore.user=/d' "$root/etc/catalog/hive.properties"
    echo 'hive.iceberg-catalog-name=iceberg' >> "$root/etc/catalog/hive.properties"
    sed -e "s#@METASTORE_URI@#$metastore_uri#g" "$here/trino/catalog/iceberg.properties" > "$root/etc/catalog/iceberg.properties"
  fi
  # Both catalogs read s3:// locations through Trino's native S3 file system, pointed at the test
  # S3-compatible server (test/services/s3.sh): path-style, its placeholder credentials (S3Mock checks
  # no signature). Trino connects lazily, so it starts whether or not that server is up.
  local catalog
  for catalog in "$root"/etc/catalog/*.properties; do
    cat >> "$catalog" <<PROPERTIES
fs.native-s3.enabled=true
s3.endpoint=$s3_endpoint
s3.region=us-east-1
s3.path-style-access=true
s3.aws-access-key=gamepipe-test
s3.aws-secret-key=gamepipe-test-placeholder
PROPERTIES
  done
}

launcher() {
  JAVA_HOME=$java_home PATH="$java_home/bin:$PATH" "$server/bin/launcher" "$@" \
    --etc-dir "$root/etc" --data-dir "$root/var" --launcher-log-file "$root/launcher.log" --server-log-file "$root/server.log"
}

start() {
  if is_up; then echo "trino: already listening on 127.0.0.1:$port"; return 0; fi
  fetch_server
  fetch_cli
  write_config
  rm -f "$root/server.log" "$root/launcher.log"
  launcher start > "$root/start.log" 2>&1
  # 20-35 s on 2 cores.
  for _ in $(seq 1 360); do
    if is_ready; then echo "trino: up on 127.0.0.1:$port (pid $(cat "$root/var/var/run/launcher.pid" 2>/dev/null || echo '?'))"; return 0; fi
    if ! launcher status > /dev/null 2>&1; then break; fi
    sleep 0.5
  done
  echo "trino: failed to start; last lines of $root/server.log and $root/launcher.log:" >&2
  tail -n 40 "$root/server.log" "$root/launcher.log" >&2 2>/dev/null || true
  return 1
}

stop() {
  if [ -x "$server/bin/launcher" ] && [ -d "$root/etc" ]; then
    launcher stop > /dev/null 2>&1 || true
    for _ in $(seq 1 60); do is_up || break; sleep 0.5; done
    if is_up; then launcher kill > /dev/null 2>&1 || true; fi
  fi
  echo "trino: stopped"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if is_ready; then echo "trino: up on 127.0.0.1:$port"; elif is_up; then echo "trino: starting"; exit 1; else echo "trino: down"; exit 1; fi ;;
  cli-path) fetch_cli >&2; echo "$cli" ;;
  *) echo "usage: $0 start|stop|status|cli-path" >&2; exit 2 ;;
esac
