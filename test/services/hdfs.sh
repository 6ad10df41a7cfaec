#!/usr/bin/env bash
# Starts (or stops) a one-NameNode, one-DataNode HDFS from Maven Central artifacts, with WebHDFS,
# bound to 127.0.0.1 (RPC :8020, HTTP/WebHDFS :9870; the DataNode on ephemeral ports). Used by
# .ci/run, tests and developers:
#   test/services/hdfs.sh start    start on an empty, freshly formatted filesystem (what CI wants)
#   test/services/hdfs.sh resume   start again on the files a `stop` left (an HDFS outage in a test)
#   test/services/hdfs.sh stop | status
# State lives under ${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}/hdfs; the jars are shared.
# Hadoop 3.4 fails on Java 24+ ("getSubject is not supported"), so Java 17 is named explicitly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=process.sh
. "$here/process.sh"
services=${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}
libs=$services/hdfs-libs
classes=$services/hdfs-classes
root=$services/hdfs
rpc_port=8020
http_port=9870
java_home=${GAMEPIPE_TEST_HDFS_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
webhdfs=http://127.0.0.1:$http_port/webhdfs/v1

is_up() { (exec 3<>"/dev/tcp/127.0.0.1/$http_port") 2>/dev/null; }

# Answers only once the NameNode serves WebHDFS, has left safe mode and a DataNode takes a block.
accepts_writes() {
  local probe location
  [ "$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' "$webhdfs/?op=GETFILESTATUS&user.name=gamepipe")" = 200 ] || return 1
  probe="/.hdfs-sh-probe-$$"
  location=$(curl -s --noproxy '*' -o /dev/null -w '%{redirect_url}' -X PUT "$webhdfs$probe?op=CREATE&overwrite=true&user.name=gamepipe")
  [ -n "$location" ] || return 1
  local created
  created=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X PUT --data-binary probe -H 'Content-Type: application/octet-stream' "$location")
  curl -s --noproxy '*' -o /dev/null -X DELETE "$webhdfs$probe?op=DELETE&user.name=gamepipe" || true
  [ "$created" = 201 ]
}

start() {
  local fresh=$1
  if is_up; then echo "hdfs: already listening on 127.0.0.1:$http_port"; return 0; fi
  mkdir -p "$root"
  if [ ! -f "$libs/.complete" ]; then
    echo "hdfs: resolving minicluster jars from Maven Central"
    mvn -q -B -f "$here/hdfs/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs"
    touch "$libs/.complete"
  fi
  if [ ! -f "$classes/HdfsTestCluster.class" ] || [ "$here/hdfs/HdfsTestCluster.java" -nt "$classes/HdfsTestCluster.class" ]; then
    mkdir -p "$classes"
    "$java_home/bin/javac" --release 17 -nowarn -cp "$libs/*" -d "$classes" "$here/hdfs/HdfsTestCluster.java"
  fi
  local format=false
  if [ "$fresh" = yes ] || [ ! -d "$root/data/name-0-1/current" ]; then
    rm -rf "$root/data"
    format=true
  fi
  mkdir -p "$root/data"
  rm -f "$root/ready"
  nohup "$java_home/bin/java" -Xmx512m -XX:+UseSerialGC -Djava.net.preferIPv4Stack=true \
    -Dlog4j.configuration="file:$here/hdfs/log4j.properties" -cp "$classes:$libs/*" \
    HdfsTestCluster "$root/data" "$format" "$rpc_port" "$http_port" "$root/ready" > "$root/hdfs.log" 2>&1 &
  echo $! > "$root/pid"
  for _ in $(seq 1 240); do
    if [ -f "$root/ready" ] && accepts_writes; then
      echo "hdfs: up, WebHDFS on http://127.0.0.1:$http_port, hdfs://127.0.0.1:$rpc_port (pid $(cat "$root/pid"))"; return 0
    fi
    if ! kill -0 "$(cat "$root/pid")" 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "hdfs: failed to start; last lines of $root/hdfs.log:" >&2
  tail -n 30 "$root/hdfs.log" >&2
  stop > /dev/null
  return 1
}

stop() {
  stop_pid_file "$root/pid"
  rm -f "$root/ready"
  echo "hdfs: stopped"
}

case "${1:-start}" in
  start) start yes ;;
  resume) start no ;;
  stop) stop ;;
  status) if is_up; then echo "hdfs: up on 127.0.0.1:$http_port"; else echo "hdfs: down"; exit 1; fi ;;
  *) echo "usage: $0 start|resume|stop|status" >&2; exit 2 ;;
esac
