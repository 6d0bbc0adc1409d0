#!/usr/bin/env bash
# The soak: three servers in cluster mode on a PostgreSQL of their own, on this machine, under a randomized crowd of
# visitors and an operator for the given minutes, while silos are killed and stopped and the database restarted; then
# every acknowledged operation is checked against the limits and the sessions' ends, from the records and the database.
# Installs the PostgreSQL server binaries on a fresh Debian machine that has only the .NET SDK, builds in Release, runs
# tests/SessionGrains.Soak, and fails if any rule was broken.
#   ./tests/soak.sh        30 minutes, the committed report: writes docs/soak.md and docs/images/soak.svg
#   ./tests/soak.sh 2      2 minutes (what CI runs): the report goes to a temporary folder (any run under 30 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
./tests/install-missing.sh ${missing[@]+"${missing[@]}"}

dotnet build tests/SessionGrains.Soak -c Release --nologo -warnaserror -v quiet
dotnet run -c Release --no-build --project tests/SessionGrains.Soak -- "$@"
