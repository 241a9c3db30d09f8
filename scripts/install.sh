#!/usr/bin/env bash
# Install Callpoint on a board (Debian / Raspberry Pi OS, run as root from a
# checkout): Node dependencies, build, the callpoint user, config and unit.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=/opt/callpoint
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
command -v node >/dev/null || { echo "install.sh: Node.js >= 20.17 is needed (apt-get install nodejs)" >&2; exit 1; }

for g in dialout gpio i2c; do getent group "$g" >/dev/null || groupadd --system "$g"; done
id callpoint >/dev/null 2>&1 || useradd --system --home-dir /var/lib/callpoint --shell /usr/sbin/nologin --user-group callpoint
usermod -a -G dialout,gpio,i2c callpoint

mkdir -p "$PREFIX"
# Copy the checkout (not its local state), then build there.
tar -C "$SRC" --exclude=./node_modules --exclude=./var --exclude=./dist --exclude=./.git -cf - . | tar -C "$PREFIX" -xf -
cd "$PREFIX"
npm ci --no-audit --no-fund
make build
npm prune --omit=dev --no-audit --no-fund

install -d -m 0750 -o root -g callpoint /etc/callpoint
if [ ! -f /etc/callpoint/config.yaml ]; then
  install -m 0640 -o root -g callpoint provisioning/examples/tunnel-a.yaml /etc/callpoint/config.yaml
  echo "install.sh: wrote /etc/callpoint/config.yaml from the tunnel example — edit it, then: callpoint config check /etc/callpoint/config.yaml"
fi
install -d -m 0750 -o callpoint -g callpoint /var/lib/callpoint
install -m 0644 systemd/callpoint.service /etc/systemd/system/callpoint.service
ln -sf "$PREFIX/daemon/bin/callpoint.js" /usr/local/bin/callpoint
systemctl daemon-reload
echo "install.sh: done. Next:"
echo "  callpoint config check /etc/callpoint/config.yaml"
echo "  systemctl enable --now callpoint && journalctl -u callpoint -f   (the first-run setup link is in the log)"
echo "  or create the first administrator offline: sudo -u callpoint callpoint user add NAME --role admin"
