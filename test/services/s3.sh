#!/usr/bin/env bash
# Starts (or stops) an S3-compatible server for tests: Adobe S3Mock 4.8.0 (Maven Central, a Spring
# Boot jar, Java 17+), chosen because it honours conditional writes (a PUT with `If-None-Match: *` on
# an existing key answers 412 PreconditionFailed), which the lake's exactly-once writing needs.
# Plain HTTP on 127.0.0.1:${GAMEPIPE_TEST_S3_PORT:-9190} (its HTTPS connector on the next port, also
# 127.0.0.1), one bucket created at start: ${GAMEPIPE_TEST_S3_BUCKET:-gamepipe-test}.
#   test/services/s3.sh start    start on an empty store (what CI wants)
#   test/services/s3.sh resume   start again on the objects a `stop` left (fault tests)
#   test/services/s3.sh stop | status
#   test/services/s3.sh env      the `export` lines that point gamepipe and the AWS SDK at it
# S3Mock checks no signature: the credentials `env` prints are placeholders, not secrets.
# State (objects, log, pid) lives under ${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}/s3 (s3-<port>
# for another GAMEPIPE_TEST_S3_PORT, so a fault test can stop its own server and leave the shared one);
# the jar and the compiled loopback patch are shared in s3-libs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=process.sh
. "$here/process.sh"
services=${GAMEPIPE_TEST_SERVICES_DIR:-/tmp/gamepipe-services}
version=4.8.0
libs=$services/s3-libs
port=${GAMEPIPE_TEST_S3_PORT:-9190}
# A second server (a fault test's own, on another port) keeps its objects apart: s3-<port>/.
root=$services/s3$([ "$port" = 9190 ] || echo "-$port")
bucket=${GAMEPIPE_TEST_S3_BUCKET:-gamepipe-test}
java_home=${GAMEPIPE_TEST_S3_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
jar=$libs/s3mock-$version-exec.jar
endpoint=http://127.0.0.1:$port

answers() { curl -fsS -o /dev/null --max-time 2 "$endpoint/" 2>/dev/null; }

fail() {
  local cause
  cause=$(grep -E 'ERROR|Exception' "$root/s3mock.log" 2>/dev/null | tail -n 1 | cut -c1-300 || true)
  echo "s3: $1${cause:+: $cause} (log: $root/s3mock.log)" >&2
  return 1
}

# The exec jar from Maven Central, and LoopbackConnectors compiled against the jars inside it.
install() {
  [ -f "$libs/.complete-$version" ] && return 0
  echo "s3: resolving S3Mock $version from Maven Central"
  mkdir -p "$libs"
  mvn -q -B -Dstyle.color=never dependency:copy -Dartifact="com.adobe.testing:s3mock:$version:jar:exec" -DoutputDirectory="$libs" \
    || { echo "s3: could not resolve S3Mock with Maven (see the output above)" >&2; return 1; }
  rm -rf "$libs/compile" "$libs/ext" && mkdir -p "$libs/compile" "$libs/ext"
  (cd "$libs/compile" && unzip -q -j "$jar" 'BOOT-INF/lib/spring-boot-3*.jar' 'BOOT-INF/lib/spring-boot-autoconfigure-*.jar' \
    'BOOT-INF/lib/spring-context-*.jar' 'BOOT-INF/lib/spring-beans-*.jar' 'BOOT-INF/lib/spring-core-*.jar' \
    'BOOT-INF/lib/tomcat-embed-core-*.jar')
  "$java_home/bin/javac" -nowarn -d "$libs/ext" -cp "$libs/compile/*" "$here/s3/src/gamepipe/s3mock/LoopbackConnectors.java"
  cp -r "$here/s3/src/META-INF" "$libs/ext/"
  touch "$libs/.complete-$version"
}

start() {
  local fresh=$1
  if answers; then echo "s3: already answering on $endpoint"; return 0; fi
  install
  if [ "$fresh" = yes ]; then rm -rf "$root"; fi
  mkdir -p "$root/data"
  # PropertiesLauncher takes loader.path, which puts the loopback patch on the classpath; serial GC
  # and a small heap. The JIT is left whole, as a store that serves would run: with C1 alone
  # (-XX:TieredStopAtLevel=1, which this used to set) it starts about 1.5 s sooner but computes each
  # part's MD5 without the C2 intrinsic, and that was most of its CPU under a writer (a fifth more
  # CPU per 1,000,000 events, on the writer's cores). GAMEPIPE_S3MOCK_JVM_OPTS replaces these flags.
  # shellcheck disable=SC2086
  nohup "$java_home/bin/java" ${GAMEPIPE_S3MOCK_JVM_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC} \
    -Dloader.path="$libs/ext" -Dloader.main=com.adobe.testing.s3mock.S3MockApplication \
    -cp "$jar" org.springframework.boot.loader.launch.PropertiesLauncher \
    --server.address=127.0.0.1 --server.port=$((port + 1)) --com.adobe.testing.s3mock.httpPort="$port" \
    --com.adobe.testing.s3mock.store.root="$root/data" --com.adobe.testing.s3mock.store.retainFilesOnExit=true \
    --com.adobe.testing.s3mock.store.initialBuckets="$bucket" --spring.main.banner-mode=off \
    > "$root/s3mock.log" 2>&1 &
  echo $! > "$root/pid"
  for _ in $(seq 1 480); do
    if answers; then echo "s3: up on $endpoint, bucket $bucket (pid $(cat "$root/pid"))"; return 0; fi
    if ! kill -0 "$(cat "$root/pid")" 2>/dev/null; then fail "exited while starting"; return 1; fi
    sleep 0.25
  done
  stop_pid_file "$root/pid"
  fail "not answering on $endpoint after 120 s"
}

stop() {
  stop_pid_file "$root/pid"
  echo "s3: stopped"
}

env_lines() {
  cat <<LINES
export AWS_ENDPOINT_URL_S3=$endpoint
export AWS_ACCESS_KEY_ID=gamepipe-test
export AWS_SECRET_ACCESS_KEY=gamepipe-test-placeholder
export AWS_REGION=us-east-1
export GAMEPIPE_TEST_S3_ENDPOINT=$endpoint
export GAMEPIPE_TEST_S3_BUCKET=$bucket
LINES
}

case "${1:-start}" in
  start) start yes ;;
  resume) start no ;;
  stop) stop ;;
  status) if answers; then echo "s3: up on $endpoint, bucket $bucket"; else echo "s3: down"; exit 1; fi ;;
  env) env_lines ;;
  *) echo "usage: $0 start|resume|stop|status|env" >&2; exit 2 ;;
esac
