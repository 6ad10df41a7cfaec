#!/usr/bin/env bash
# A three-node Kafka cluster in KRaft mode (each node broker and controller), replication factor 3,
# min.insync.replicas=2, for the fault tests: brokers on ${GAMEPIPE_TEST_KAFKA_CLUSTER_PORT:-9192}..+2,
# controllers on that +100..+102. The single broker on 9092 is a separate service (kafka.sh).
#   test/services/kafka-cluster.sh start               fresh storage, all three nodes, waits until they serve
#   test/services/kafka-cluster.sh stop | status
#   test/services/kafka-cluster.sh brokers             the bootstrap list (127.0.0.1:9192,…)
#   test/services/kafka-cluster.sh leader TOPIC [P]    the node id leading partition P (default 0)
#   test/services/kafka-cluster.sh kill-leader TOPIC [P]  SIGKILLs that node; prints its id
#   test/services/kafka-cluster.sh kill|stop-node|start-node N   SIGKILL / SIGTERM / start again node N (1..3)
# State lives under ${GAMEPIPE_TEST_KAFKA_CLUSTER_DIR:-${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}/kafka-cluster-<port>};
# the jars are the single broker's (kafka.sh resolves them), or GAMEPIPE_TEST_KAFKA_LIBS.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=process.sh
. "$here/process.sh"
services=${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}
host=127.0.0.1
base=${GAMEPIPE_TEST_KAFKA_CLUSTER_PORT:-9192}
root=${GAMEPIPE_TEST_KAFKA_CLUSTER_DIR:-$services/kafka-cluster-$base}
# GAMEPIPE_TEST_KAFKA_VERSION=4.x starts Kafka 4 (its own jars, Log4j2); the default is the single
# broker's 3.9.1. Commands other than `start` use the version the cluster was started with.
if [ "${1:-start}" = start ]; then version=${GAMEPIPE_TEST_KAFKA_VERSION:-3.9.1}
else version=$(cat "$root/version" 2>/dev/null || echo "${GAMEPIPE_TEST_KAFKA_VERSION:-3.9.1}"); fi
if [ "$version" = 3.9.1 ]; then default_libs=$services/kafka-libs; else default_libs=$services/kafka-libs-$version; fi
libs=${GAMEPIPE_TEST_KAFKA_LIBS:-$default_libs}
nodes="1 2 3"
port_of() { echo $((base + $1 - 1)); }
controller_of() { echo $((base + 100 + $1 - 1)); }
brokers() { local list=""; for n in $nodes; do list="$list${list:+,}$host:$(port_of "$n")"; done; echo "$list"; }
is_up() { (exec 3<>"/dev/tcp/$host/$(port_of "$1")") 2>/dev/null; }
pid_of() { cat "$root/node-$1/pid" 2>/dev/null || true; }
log4j_flag() {
  # Kafka 4.x logs through Log4j2, 3.x through reload4j.
  if ls "$libs"/log4j-core-2*.jar >/dev/null 2>&1; then echo "-Dlog4j2.configurationFile=$here/kafka-cluster/log4j2.yaml"
  else echo "-Dlog4j.configuration=file:$here/kafka/log4j.properties"; fi
}

ensure_libs() {
  if [ -f "$libs/.complete" ]; then return 0; fi
  echo "kafka-cluster: resolving Kafka $version jars from Maven Central"
  case "$version" in
    3.9.1) mvn -q -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs" ;;
    4.*) mvn -q -f "$here/kafka-cluster/pom-kafka4.xml" -Dkafka.version="$version" dependency:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$libs" ;;
    *) echo "kafka-cluster: no recipe for Kafka $version (3.9.1 or 4.x)" >&2; return 1 ;;
  esac
  touch "$libs/.complete"
}

format_node() {
  local n=$1 dir=$root/node-$1 voters=""
  for v in $nodes; do voters="$voters${voters:+,}$v@$host:$(controller_of "$v")"; done
  rm -rf "$dir" && mkdir -p "$dir/data"
  sed -e "s#@NODE@#$n#" -e "s#@VOTERS@#$voters#" -e "s#@HOST@#$host#g" -e "s#@PORT@#$(port_of "$n")#g" \
    -e "s#@CONTROLLER_PORT@#$(controller_of "$n")#g" -e "s#@DATA@#$dir/data#" \
    "$here/kafka-cluster/node.properties" > "$dir/server.properties"
  java -cp "$libs/*" "$(log4j_flag)" kafka.tools.StorageTool format -t "gamepipeTestCluster03A" \
    -c "$dir/server.properties" > "$dir/format.log" 2>&1
}

start_node() {
  local n=$1 dir=$root/node-$1
  if is_up "$n"; then return 0; fi
  nohup java -Xms128m -Xmx512m -XX:+UseSerialGC "$(log4j_flag)" -cp "$libs/*" kafka.Kafka "$dir/server.properties" \
    > "$dir/broker.log" 2>&1 &
  echo $! > "$dir/pid"
}

wait_node() {
  local n=$1 dir=$root/node-$1
  for _ in $(seq 1 480); do
    if grep -q "Kafka Server started" "$dir/broker.log" 2>/dev/null && is_up "$n"; then return 0; fi
    if ! kill -0 "$(pid_of "$n")" 2>/dev/null; then break; fi
    sleep 0.25
  done
  echo "kafka-cluster: node $n failed to start; last lines of $dir/broker.log:" >&2
  tail -n 30 "$dir/broker.log" >&2
  return 1
}

# Every broker is registered and answers metadata: a cluster a few seconds old is not yet there.
wait_cluster() {
  for _ in $(seq 1 120); do
    if [ "$(kcat -L -b "$(brokers)" -m 5 2>/dev/null | grep -c "^  broker ")" = 3 ]; then return 0; fi
    sleep 0.5
  done
  echo "kafka-cluster: the three brokers did not all register" >&2
  return 1
}

start() {
  ensure_libs
  mkdir -p "$root"
  for n in $nodes; do stop_pid_file "$root/node-$n/pid" 2>/dev/null || true; format_node "$n"; done
  echo "$version" > "$root/version"
  for n in $nodes; do start_node "$n"; done
  for n in $nodes; do wait_node "$n"; done
  wait_cluster
  echo "kafka-cluster: Kafka $version up on $(brokers)"
}

stop() {
  for n in $nodes; do stop_pid_file "$root/node-$n/pid"; done
  echo "kafka-cluster: stopped"
}

# The node id leading partition $2 (default 0) of topic $1, from the brokers' own metadata.
leader() {
  kcat -L -b "$(brokers)" -t "$1" -m 5 2>/dev/null |
    awk -v p="${2:-0}" '$1 == "partition" && $2 == p"," { sub(",", "", $4); print $4; exit }'
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status)
    up=0; for n in $nodes; do if is_up "$n"; then up=$((up + 1)); fi; done
    echo "kafka-cluster: $up of 3 nodes up on $(brokers)"; [ "$up" = 3 ] ;;
  brokers) brokers ;;
  leader) leader "$2" "${3:-0}" ;;
  kill-leader)
    id=$(leader "$2" "${3:-0}")
    if [ -z "$id" ] || [ "$id" = -1 ]; then echo "kafka-cluster: partition ${3:-0} of $2 has no leader" >&2; exit 1; fi
    kill -9 "$(pid_of "$id")"; echo "$id" ;;
  kill) kill -9 "$(pid_of "$2")" 2>/dev/null || true ;;
  stop-node) stop_pid_file "$root/node-$2/pid" ;;
  start-node) start_node "$2"; wait_node "$2" ;;
  *) echo "usage: $0 start|stop|status|brokers|leader T [P]|kill-leader T [P]|kill N|stop-node N|start-node N" >&2; exit 2 ;;
esac
