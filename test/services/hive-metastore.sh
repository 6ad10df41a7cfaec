#!/usr/bin/env bash
# Starts (or stops) a standalone Hive Metastore 4.0.1 (the version compose/ runs) on embedded Derby,
# from Maven Central artifacts, serving Thrift on 127.0.0.1:${GAMEPIPE_TEST_HMS_PORT:-9083}. Used by
# .ci/run, tests and developers:
#   test/services/hive-metastore.sh start    start on an empty metastore (what CI wants)
#   test/services/hive-metastore.sh resume   start again on the metastore a `stop` left
#   test/services/hive-metastore.sh stop | status
# State (Derby database, warehouse, config, log, pid) lives under
# ${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}/hive-metastore-<port>; the jars are shared.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=process.sh
. "$here/process.sh"
services=${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}
libs=$services/hive-metastore-libs
port=${GAMEPIPE_TEST_HMS_PORT:-9083}
root=$services/hive-metastore-$port
s3_endpoint=${GAMEPIPE_TEST_HMS_S3_ENDPOINT:-http://127.0.0.1:${GAMEPIPE_TEST_S3_PORT:-9190}}
java_home=${GAMEPIPE_TEST_HMS_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}

is_up() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

fail() {
  # One line: what failed, the last exception the log names, and where the log is.
  local cause
  cause=$(grep -E '^[A-Za-z.$]+(Exception|Error)|^Caused by' "$root/metastore.log" 2>/dev/null | tail -n 1 || true)
  echo "hive-metastore: $1${cause:+: $cause} (log: $root/metastore.log)" >&2
  return 1
}

start() {
  local fresh=$1
  if is_up; then echo "hive-metastore: already listening on 127.0.0.1:$port"; return 0; fi
  # .complete-s3: a jar set resolved before hadoop-aws joined the pom is resolved again.
  if [ ! -f "$libs/.complete-s3" ]; then
    echo "hive-metastore: resolving metastore jars from Maven Central"
    mvn -q -B -f "$here/hive-metastore/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" \
      || { echo "hive-metastore: could not resolve the jars with Maven (see the output above)" >&2; return 1; }
    touch "$libs/.complete-s3"
  fi
  if [ "$fresh" = yes ]; then rm -rf "$root"; fi
  mkdir -p "$root/conf" "$root/data/warehouse"
  sed -e "s#@DATA@#$root/data#g" -e "s#@PORT@#$port#g" -e "s#@S3_ENDPOINT@#$s3_endpoint#g" "$here/hive-metastore/metastore-site.xml" > "$root/conf/metastore-site.xml"
  cp "$here/hive-metastore/metastore-log4j2.properties" "$root/conf/"
  # C1 only and a small serial heap: the metastore does little work in tests, and starts faster so.
  nohup "$java_home/bin/java" -Xms64m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true \
    -Dderby.stream.error.file="$root/derby.log" -cp "$root/conf:$libs/*" \
    org.apache.hadoop.hive.metastore.HiveMetaStore > "$root/metastore.log" 2>&1 &
  echo $! > "$root/pid"
  # The port opens once the schema exists and the default database is there: 10-20 s on 2 cores.
  for _ in $(seq 1 480); do
    if is_up; then echo "hive-metastore: up on thrift://127.0.0.1:$port (pid $(cat "$root/pid"))"; return 0; fi
    if ! kill -0 "$(cat "$root/pid")" 2>/dev/null; then fail "exited while starting"; return 1; fi
    sleep 0.25
  done
  stop_pid_file "$root/pid"
  fail "not listening on 127.0.0.1:$port after 120 s"
}

stop() {
  stop_pid_file "$root/pid"
  echo "hive-metastore: stopped"
}

case "${1:-start}" in
  start) start yes ;;
  resume) start no ;;
  stop) stop ;;
  status) if is_up; then echo "hive-metastore: up on thrift://127.0.0.1:$port"; else echo "hive-metastore: down"; exit 1; fi ;;
  *) echo "usage: $0 start|resume|stop|status" >&2; exit 2 ;;
esac
