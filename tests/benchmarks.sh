#!/usr/bin/env bash
# Measures SessionGrains against a Redis sorted-set semaphore and a PostgreSQL sessions table on this machine.
# Installs what it needs on a fresh Debian machine that has only the .NET SDK (Redis, the PostgreSQL server
# binaries), builds everything in Release, and runs tests/SessionGrains.Benchmarks, which starts its own Redis,
# PostgreSQL and SessionGrains server on loopback.
#   ./tests/benchmarks.sh           the reference run: writes docs/benchmarks.md and docs/images/benchmarks.svg
#   ./tests/benchmarks.sh --quick   small and short, to check the harness works (CI runs it; no thresholds)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}..."
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
  # Debian starts the packaged servers; the benchmarks run their own, so these would only compete for the CPU.
  $sudo_cmd systemctl disable --now redis-server postgresql >/dev/null 2>&1 || true
  $sudo_cmd service redis-server stop >/dev/null 2>&1 || true
  $sudo_cmd service postgresql stop >/dev/null 2>&1 || true
fi

dotnet build SessionGrains.sln -c Release --nologo -warnaserror -v quiet
dotnet run -c Release --no-build --project tests/SessionGrains.Benchmarks -- "$@"
