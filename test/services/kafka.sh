#!/usr/bin/env bash
# Starts (or stops) a single-node Kafka broker in KRaft mode from Maven Central artifacts, bound to
# ${GAMEPIPE_TEST_KAFKA_HOST:-127.0.0.1}:${GAMEPIPE_TEST_KAFKA_PORT:-9092}. Used by .ci/run, tests and developers:
#   test/services/kafka.sh start    start with empty storage (what CI wants)
#   test/services/kafka.sh resume   start again on the storage a `stop` left (a broker outage in a test)
#   test/services/kafka.sh stop | status
# State lives under ${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}/kafka-<port>, or in
# ${GAMEPIPE_TEST_KAFKA_DIR} when set (a test's private broker); the jars are shared. A test that puts a
# proxy in front of the broker sets GAMEPIPE_TEST_KAFKA_ADVERTISED_PORT: clients are told to connect there.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=process.sh
. "$here/process.sh"
services=${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}
libs=$services/kafka-libs
host=${GAMEPIPE_TEST_KAFKA_HOST:-127.0.0.1}
port=${GAMEPIPE_TEST_KAFKA_PORT:-9092}
root=${GAMEPIPE_TEST_KAFKA_DIR:-$services/kafka-$port}
controller_port=$((port + 1))
advertised_port=${GAMEPIPE_TEST_KAFKA_ADVERTISED_PORT:-$port}

is_up() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

start() {
  local fresh=$1
  if is_up; then echo "kafka: already listening on $host:$port"; return 0; fi
  mkdir -p "$root"
  if [ ! -f "$libs/.complete" ]; then
    echo "kafka: resolving broker jars from Maven Central"
    mvn -q -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs"
    touch "$libs/.complete"
  fi
  if [ "$fresh" = yes ] || [ ! -f "$root/data/meta.properties" ]; then
    rm -rf "$root/data"
    mkdir -p "$root/data"
    sed -e "s#@DATA@#$root/data#" -e "s#@HOST@#$host#g" -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" \
      -e "s#@ADVERTISED_PORT@#$advertised_port#g" \
      "$here/kafka/server.properties" > "$root/server.properties"
    java -cp "$libs/*" -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
      kafka.tools.StorageTool format -t "gamepipeTestCluster01A" -c "$root/server.properties" > "$root/format.log" 2>&1
  fi
  nohup java -Xms256m -Xmx768m -XX:+UseSerialGC -Dlog4j.configuration="file:$here/kafka/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$root/server.properties" > "$root/broker.log" 2>&1 &
  echo $! > "$root/pid"
  for _ in $(seq 1 480); do
    if grep -q "Kafka Server started" "$root/broker.log" 2>/dev/null; then
      echo "kafka: up on $host:$port (pid $(cat "$root/pid"))"; return 0
    fi
    if ! kill -0 "$(cat "$root/pid")" 2>/dev/null; then break; fi
    sleep 0.25
  done
  echo "kafka: failed to start; last lines of $root/broker.log:" >&2
  tail -n 30 "$root/broker.log" >&2
  return 1
}

stop() {
  stop_pid_file "$root/pid"
  echo "kafka: stopped"
}

case "${1:-start}" in
  start) start yes ;;
  resume) start no ;;
  stop) stop ;;
  status) if is_up; then echo "kafka: up on $host:$port"; else echo "kafka: down"; exit 1; fi ;;
  *) echo "usage: $0 start|resume|stop|status" >&2; exit 2 ;;
esac
