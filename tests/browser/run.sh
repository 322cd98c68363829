#!/usr/bin/env bash
# Browser tests: a fresh data dir with groups and people made by the CLI, the real server on a free
# loopback port, headless Chromium (the Debian package) driven by playwright-core, then the server is
# stopped, whatever happened. Called by scripts/test after ctest; can be run alone once the build and
# `npm ci` (in this folder) are done.
#
#   tests/browser/run.sh              run every browser test
#   tests/browser/run.sh --serve      only set up and serve (prints the address; Ctrl-C stops it)
#
# Environment: ENTRAIDE_BIN (default build/entraide), CHROMIUM (default /usr/bin/chromium),
# ENTRAIDE_SCREENSHOTS_DIR (default ${TMPDIR:-/tmp}/entraide-screenshots, outside the tree, so that a test run
# never changes a tracked file; ENTRAIDE_SCREENSHOTS_DIR=docs/screenshots to refresh the README's pictures;
# "off" to skip the screenshots).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${ENTRAIDE_BIN:-$ROOT/build/entraide}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
PASSWORD='Horse battery staple 42!'

[[ -x $BIN ]] || { echo "browser: $BIN is missing; build first" >&2; exit 1; }
[[ -x $CHROMIUM ]] || { echo "browser: $CHROMIUM is missing (apt-get install chromium)" >&2; exit 1; }
[[ -d $HERE/node_modules/playwright-core ]] || { echo "browser: run 'npm ci' in $HERE first" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/entraide-browser-XXXXXX")"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  elif [[ -n $SERVER_PID ]]; then
    local status=0
    wait "$SERVER_PID" 2>/dev/null || status=$?
    echo "browser: the server (pid $SERVER_PID) stopped before the end of the run, exit status $status" \
      "(143: SIGTERM, 137: SIGKILL from another process)" >&2
    ((rc != 0)) || rc=1
  fi
  if ((rc != 0)) && [[ -f $WORK/server.log ]]; then
    echo "---- last lines of the server log ----" >&2
    tail -n 30 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export ENTRAIDE_DATA_DIR="$WORK/data"
# The network's library and the tests' own articles (tests/browser/content: a wide table...), in one folder.
mkdir -p "$WORK/content"
cp -R "$ROOT/content/." "$WORK/content/"
cp -R "$HERE/content/en" "$HERE/content/fr" "$WORK/content/"
export ENTRAIDE_CONTENT_DIR="$WORK/content" ENTRAIDE_VIEWS_DIR="$ROOT/views"
export ENTRAIDE_MIGRATIONS_DIR="$ROOT/migrations" ENTRAIDE_SEARCH_DIR="$ROOT/search"
export ENTRAIDE_LOG_LEVEL=warn ENTRAIDE_HTTP_ACCESS_LOG=false
mkdir -p "$ENTRAIDE_DATA_DIR"

# People and groups, through the command line as an administrator would.
"$BIN" group add --slug coop-a --name "Épicerie solidaire du Plateau" --lang fr >/dev/null
"$BIN" group add --slug coop-b --name "Pointe-Saint-Charles Tenants' Association" --lang en >/dev/null
add_user() {  # email name role lang [group]
  local args=(user add --email "$1" --name "$2" --role "$3" --lang "$4" --password-stdin)
  [[ -n ${5:-} ]] && args+=(--group "$5")
  echo "$PASSWORD" | "$BIN" "${args[@]}" >/dev/null
}
add_user marie@plateau.example "Marie Tremblay" member fr coop-a
add_user sam@psc.example "Sam Wilson" member en coop-b
add_user julie@entraide.example "Julie Gagnon" volunteer fr
add_user alex@entraide.example "Alex Chen" volunteer en
add_user helene@entraide.example "Hélène Roy" coordinator fr
add_user jordan@entraide.example "Jordan Lee" coordinator en

# A free loopback port; if another process takes it before the server does, try again.
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
for attempt in 1 2 3; do
  PORT="$(free_port)"
  export ENTRAIDE_HTTP_HOST=127.0.0.1 ENTRAIDE_HTTP_PORT="$PORT" ENTRAIDE_SITE_BASE_URL="http://127.0.0.1:$PORT"
  "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  if node "$HERE/lib/wait-ready.mjs" "http://127.0.0.1:$PORT" 60 "$SERVER_PID"; then break; fi
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  echo "browser: the server did not start on port $PORT (attempt $attempt)" >&2
  tail -n 5 "$WORK/server.log" >&2 || true
done
[[ -n $SERVER_PID ]] || { echo "browser: 0 passed, 1 failed (the server did not start)"; exit 1; }

export ENTRAIDE_URL="http://127.0.0.1:$PORT" ENTRAIDE_PASSWORD="$PASSWORD"
export ENTRAIDE_SCREENSHOTS_DIR="${ENTRAIDE_SCREENSHOTS_DIR:-${TMPDIR:-/tmp}/entraide-screenshots}"
export ENTRAIDE_BROWSER_TMP="$WORK"

if [[ ${1:-} == --serve ]]; then
  echo "serving $ENTRAIDE_URL (data in $ENTRAIDE_DATA_DIR); Ctrl-C stops"
  wait "$SERVER_PID"
  exit 0
fi

cd "$HERE"
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=./lib/count-reporter.mjs --test-reporter-destination=stdout all.test.mjs
