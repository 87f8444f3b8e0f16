#!/usr/bin/env bash
# SQLite's ceiling for the contacts import (no Swift, no parsing): Benchmarks/import/sqlite_ceiling.c on a database
# migrated by the release binary, each variant once. Prints variant,rows,seconds,rows_per_s.
# Usage: Benchmarks/import/ceiling.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-1000000}"
bin="${PITCREW_BIN:-.build/release/pitcrew}"
[ -x "$bin" ] || { echo "no release binary at $bin; run: swift build -c release --product pitcrew" >&2; exit 1; }
[ -f /usr/include/sqlite3.h ] || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq libsqlite3-dev gcc >/dev/null; }
work="$(mktemp -d /tmp/pitcrew-ceiling.XXXXXX)"
trap 'rm -rf "$work"' EXIT
gcc -O2 -o "$work/ceiling" Benchmarks/import/sqlite_ceiling.c -lsqlite3
"$bin" migrate --database "$work/schema.sqlite" >/dev/null
echo "variant,rows,seconds,rows_per_s"
for variant in base nofk nofk-noid nofk-noid-shortws nofk-noid-shortws-ckpt nofk-noid-shortws-delete nofk-noid-shortws-delete-p16k nofk-noid-shortws-nowsid nofk-noid-shortws-intkey lean lean-noid; do
  "$work/ceiling" "$work/schema.sqlite" "$rows" "$variant"
done
