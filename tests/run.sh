#!/usr/bin/env bash
# Runs the tests, one layer after another, cheapest first:
#   unit     pure types: no silo, no process, no database (seconds)
#   grains   grains in an in-process silo, and the storage contracts, on SQLite and on PostgreSQL
#   api      the real server process (HTTP API, health, systemd) and the ASP.NET Core library on Kestrel
#   browser  the operator dashboard, the sample app and the Django sample in headless Chromium
#   python   the Python client (clients/python) against the real server process, with Debian's python3 and pytest
#   cluster  three server processes on a PostgreSQL of their own (prints the recovery times it measured), and two
#            more with TLS between silos and clients
# `./tests/run.sh` runs every layer and ends with the line `N passed, M failed`; `./tests/run.sh unit` (or grains,
# api, browser, python, cluster) runs one. Any further arguments go to `dotnet test`, e.g. `./tests/run.sh --filter ...`,
# or to pytest when the one layer is python (`./tests/run.sh python -k touch`); a full run gives pytest none.
# A full run takes unit first, then grains, api, browser and python side by side (they mostly wait on databases,
# processes and Chromium, so together they take about half as long as one after another), then cluster alone: its tests
# time failure detection, which other load would blur.
# The python layer ends its output as `dotnet test` does (tests/pytest_summary.py), so its failures are listed under
# "Failed tests:" and its counts join the closing line.
# Installs what the chosen layers need on a fresh Debian machine that has only the .NET SDK (the PostgreSQL server
# binaries, whose throwaway server the tests start themselves, Chromium for the browser tests, Node.js with Redocly's
# OpenAPI linter for the api tests, pytest and Django for the python tests, and Django for the Django sample in the
# browser tests), then builds and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

layers=(unit grains api browser python cluster)
groups=("unit" "grains api browser python" "cluster")
if [ $# -gt 0 ] && [[ " ${layers[*]} " == *" $1 "* ]]; then
  layers=("$1")
  groups=("$1")
  shift
fi
project() { echo "tests/SessionGrains.Tests.${1^}/SessionGrains.Tests.${1^}.csproj"; }
# What one layer needs built: its test project, or for the Python client the server it runs against.
build_target() {
  if [ "$1" = python ]; then echo src/SessionGrains.Server/SessionGrains.Server.csproj; else project "$1"; fi
}

postgres=false
chromium=false
node=false
python=false
django=false
for layer in "${layers[@]}"; do
  case "$layer" in
    grains) postgres=true ;;
    api) postgres=true node=true ;;
    browser) chromium=true django=true ;;
    cluster) postgres=true chromium=true ;;
    python) python=true django=true ;;
  esac
done
missing=()
if $postgres; then ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql); fi
if $chromium; then [ -x /usr/bin/chromium ] || missing+=(chromium); fi
if $node; then command -v npm >/dev/null || missing+=(nodejs npm); fi
# Debian's own python3 and packages, not whatever python3 comes first on PATH: CI has only these. Django is for the
# Django integration's tests, which join the python layer, and for the Django sample, which the browser layer runs.
python_packages=()
if $python; then python_packages+=(python3-pytest); fi
if $django; then python_packages+=(python3-django); fi
for package in ${python_packages[@]+"${python_packages[@]}"}; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
./tests/install-missing.sh ${missing[@]+"${missing[@]}"}

# The api layer lints the served OpenAPI document with Redocly's CLI, pinned in tests/openapi/package-lock.json.
if $node && [ ! tests/openapi/node_modules/.package-lock.json -nt tests/openapi/package-lock.json ]; then
  npm ci --prefix tests/openapi --no-audit --no-fund --loglevel=error
fi

# Everything (the benchmarks too, so warnings anywhere fail), or only what one layer needs.
if [ ${#layers[@]} -gt 1 ]; then
  dotnet build SessionGrains.sln -c Release --nologo -warnaserror
else
  dotnet build "$(build_target "${layers[0]}")" -c Release --nologo -warnaserror
fi

work="$(mktemp -d)"
log="$work/all.log"
measurements="$work/measurements"
trap 'rm -rf "$work"' EXIT
status=0
test_layer() {
  local layer="$1"
  shift
  if [ "$layer" = python ]; then
    # Extra arguments are meant for dotnet test in a full run; pytest gets them only when it runs alone.
    [ ${#layers[@]} -eq 1 ] || set --
    (cd clients/python && PYTHONPATH=../../tests PYTHONDONTWRITEBYTECODE=1 \
      /usr/bin/python3 -m pytest -rf -p pytest_summary -p no:cacheprovider tests "$@")
    return
  fi
  SESSIONGRAINS_MEASUREMENTS="$measurements" \
    dotnet test "$(project "$layer")" -c Release --no-build --nologo --logger "console;verbosity=normal" "$@"
}
for group in "${groups[@]}"; do
  read -ra members <<<"$group"
  if [ ${#members[@]} -eq 1 ]; then
    echo "Testing layer: ${members[0]}"
    test_layer "${members[0]}" "$@" 2>&1 | tee -a "$log" || status=$?
    continue
  fi
  # Side by side, each into a log of its own, shown whole (in order) once it has ended.
  pids=()
  for layer in "${members[@]}"; do
    test_layer "$layer" "$@" >"$work/$layer.log" 2>&1 &
    pids+=($!)
  done
  for i in "${!members[@]}"; do
    wait "${pids[$i]}" || status=$?
    echo "Testing layer: ${members[$i]}"
    tee -a "$log" <"$work/${members[$i]}.log"
  done
done
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
# The summaries' counts, summed over the layers, as one plain closing line.
count() { grep -E "^\s+$1: [0-9]+\$" "$log" | awk '{ s += $2 } END { print s + 0 }' || true; }
passed=$(count Passed)
failed=$(count Failed)
echo "${passed} passed, ${failed} failed"
exit "$status"
