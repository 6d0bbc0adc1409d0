#!/usr/bin/env bash
# Installs the Debian packages named, if any (tests/run.sh and tests/benchmarks.sh pass those they found missing).
# Packaged servers that Debian starts are stopped again: the tests and benchmarks start throwaway ones of their own.
set -euo pipefail
[ $# -gt 0 ] || exit 0
echo "Installing $*..."
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
$sudo_cmd apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
for service in redis-server postgresql; do
  $sudo_cmd service "$service" stop >/dev/null 2>&1 || true
done
