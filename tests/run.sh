#!/usr/bin/env bash
# Runs every test. Installs what the tests need on a fresh Debian machine that has only the .NET SDK
# (the PostgreSQL server binaries, whose throwaway server the tests start themselves, and Chromium for the
# browser tests), then builds and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[ -x /usr/bin/chromium ] || missing+=(chromium)
./tests/install-missing.sh ${missing[@]+"${missing[@]}"}

dotnet build SessionGrains.sln -c Release --nologo -warnaserror
log="$(mktemp)"
measurements="$(mktemp)"
trap 'rm -f "$log" "$measurements"' EXIT
status=0
SESSIONGRAINS_MEASUREMENTS="$measurements" \
  dotnet test SessionGrains.sln -c Release --no-build --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
if [ -s "$measurements" ]; then
  echo "Measured by the cluster tests:"
  sed 's/^/  /' "$measurements"
fi
# Failed tests again, last, so a log cut to its tail still names them and says why.
if grep -qE '^\s+Failed [A-Za-z]' "$log"; then
  echo "Failed tests:"
  awk '/^[[:space:]]+Failed [A-Za-z]/ { show = 1; lines = 0 }
       /^[[:space:]]+Passed [A-Za-z]/ || /^Test Run/ { show = 0 }
       show && lines++ < 40 { print "  " $0 }' "$log"
fi
# The summary's counts, as one plain closing line.
count() { grep -E "^\s+$1: [0-9]+\$" "$log" | awk '{ s += $2 } END { print s + 0 }' || true; }
passed=$(count Passed)
failed=$(count Failed)
echo "${passed} passed, ${failed} failed"
exit "$status"
