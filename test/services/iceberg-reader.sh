#!/usr/bin/env bash
# Builds (once, cached) and runs the independent Iceberg reader: Apache iceberg-core from Maven Central.
#   test/services/iceberg-reader.sh build          # prints the cache dir
#   test/services/iceberg-reader.sh read <metadata.json location>
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/iceberg-reader"
key="$(cat "$here/pom.xml" "$here"/src/main/java/gamepipe/*.java | sha256sum | cut -c1-16)"
cache="${GAMEPIPE_ICEBERG_READER_CACHE:-$HOME/.cache/gamepipe-iceberg-reader}/$key"

build() {
  [ -f "$cache/ok" ] && return 0
  rm -rf "$cache" && mkdir -p "$cache/classes"
  (cd "$here" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$cache/lib" -DincludeScope=runtime >&2)
  javac -d "$cache/classes" -cp "$cache/lib/*" "$here"/src/main/java/gamepipe/*.java >&2
  touch "$cache/ok"
}

case "${1:-}" in
  build) build; echo "$cache" ;;
  read) build; exec java -cp "$cache/classes:$cache/lib/*" gamepipe.ReadTable "$2" ;;
  *) echo "usage: $0 build | read <metadata location>" >&2; exit 2 ;;
esac
