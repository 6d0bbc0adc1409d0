#!/usr/bin/env bash
# Installs the SessionGrains server or the sample web app as a systemd service on a Debian host.
#
#   sudo deploy/install.sh server      # publishes to /opt/sessiongrains/server, installs sessiongrains-server.service
#   sudo deploy/install.sh sampleweb   # publishes to /opt/sessiongrains/sampleweb, installs sessiongrains-sampleweb.service
#
# Needs the .NET 10 SDK (to publish) and runtime (/usr/bin/dotnet, to run). Run it from a checkout of the
# repository, as root. It does not start the service: edit /etc/sessiongrains/<name>.env first, then run the
# 'systemctl enable --now' command it prints. Running it again upgrades the published app in place (then
# 'systemctl restart' the service) and leaves an existing env file alone.
set -euo pipefail

usage() {
    echo "usage: $0 server|sampleweb" >&2
    exit 2
}

# Creates <env_dir>/<name>.env from its template, or keeps the existing one. systemd reads env files as root before
# it starts a service, so root alone may read them: the secrets of one service are no business of the other, nor of
# the services themselves once started. An existing file is kept as it is written, but made root's only too.
install_env_file() {
    local name=$1 env_dir=$2
    local env_file=$env_dir/$name.env
    install -d -m 0700 -o root -g root "$env_dir"
    if [[ -e $env_file ]]; then
        echo "Keeping existing $env_file (root:root, 0600)"
    else
        echo "Creating $env_file from deploy/systemd/$name.env.example"
        install -m 0600 -o root -g root "deploy/systemd/$name.env.example" "$env_file"
    fi
    chown root:root "$env_file"
    chmod 0600 "$env_file"
}

# Sourced (by the tests), it only defines the functions above.
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

[[ $# -eq 1 ]] || usage
name=$1
case "$name" in
    server) project=src/SessionGrains.Server/SessionGrains.Server.csproj ;;
    sampleweb) project=src/SessionGrains.SampleWeb/SessionGrains.SampleWeb.csproj ;;
    *) usage ;;
esac

if [[ $EUID -ne 0 ]]; then
    echo "error: run as root (it creates a user and writes to /opt, /etc and /etc/systemd/system)" >&2
    exit 1
fi

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

user=sessiongrains
unit=sessiongrains-$name.service
dest=/opt/sessiongrains/$name
env_dir=/etc/sessiongrains
env_file=$env_dir/$name.env

for file in "$project" "deploy/systemd/$unit" "deploy/systemd/$name.env.example"; do
    [[ -f $file ]] || { echo "error: $repo/$file is missing; run this from a complete checkout" >&2; exit 1; }
done
command -v dotnet >/dev/null || { echo "error: dotnet not found; install the .NET 10 SDK" >&2; exit 1; }
[[ -x /usr/bin/dotnet ]] || echo "warning: /usr/bin/dotnet is missing; the unit starts the app with it" >&2

# The server runs as a system user without a login shell; systemd creates its state directory (StateDirectory=).
# The sample app needs none: systemd makes up a user for it at each start (DynamicUser=yes).
if [[ $name == server ]] && ! id -u "$user" >/dev/null 2>&1; then
    echo "Creating system user $user"
    useradd --system --user-group --home-dir /var/lib/sessiongrains --no-create-home \
        --shell /usr/sbin/nologin --comment "SessionGrains" "$user"
fi

# Publish next to the destination, then swap, so no file of an older version is left behind. A running service
# keeps the files it already opened; restart it to run the new version.
echo "Publishing $project to $dest"
mkdir -p /opt/sessiongrains
staging=$(mktemp -d "/opt/sessiongrains/.$name.XXXXXX")
trap 'rm -rf "$staging"' EXIT
dotnet publish "$project" -c Release -o "$staging" --nologo
chown -R root:root "$staging"
chmod -R u=rwX,go=rX "$staging"
chmod 0755 /opt/sessiongrains
rm -rf "$dest.old"
if [[ -d $dest ]]; then
    mv "$dest" "$dest.old"
fi
mv "$staging" "$dest"
rm -rf "$dest.old"
trap - EXIT

echo "Installing /etc/systemd/system/$unit"
install -m 0644 -o root -g root "deploy/systemd/$unit" "/etc/systemd/system/$unit"

install_env_file "$name" "$env_dir"

systemctl daemon-reload

cat <<EOF

Installed $unit ($dest).
Next:
  1. edit $env_file (mode 0600, root:root)
  2. systemctl enable --now $unit
  3. journalctl -u ${unit%.service} -f
If the service was already running: systemctl restart $unit
EOF
