#!/usr/bin/env bash
# Measures SessionGrains against a Redis sorted-set semaphore and a PostgreSQL sessions table on this machine.
# Installs what it needs on a fresh Debian machine that has only the .NET SDK (Redis with redis-benchmark, wrk, the
# PostgreSQL server binaries), builds everything in Release, and runs tests/SessionGrains.Benchmarks, which starts its own Redis,
# PostgreSQL and SessionGrains server on loopback.
#   ./tests/benchmarks.sh           the reference run: writes docs/benchmarks.md and docs/images/benchmarks.svg
#   ./tests/benchmarks.sh --quick   small and short, to check the harness works (CI runs it; no thresholds)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/redis-server ] || missing+=(redis-server)
[ -x /usr/bin/wrk ] || missing+=(wrk)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
./tests/install-missing.sh ${missing[@]+"${missing[@]}"}

dotnet build SessionGrains.sln -c Release --nologo -warnaserror -v quiet
dotnet run -c Release --no-build --project tests/SessionGrains.Benchmarks -- "$@"
