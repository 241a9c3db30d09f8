#!/usr/bin/env bash
# `make test-ports-taken`: the whole suite while the well-known ports are held
# by what a developer's machine or a board really has there — a FreeSWITCH
# event socket on 127.0.0.1:8021, a mosquitto on 1883, a web server on 8080.
# A test that assumes one of them is free fails here. It runs in a private
# network namespace (unshare -n, or -rn without root where user namespaces are
# allowed), so the listeners never disturb anything else on the machine.
#   scripts/test-ports-taken.sh [tap args…]
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" != "--inside" ]]; then
  # As root a plain network namespace; otherwise one inside a user namespace.
  ns=(-n)
  [[ $(id -u) == 0 ]] || ns=(-rn)
  if ! unshare "${ns[@]}" true 2>/dev/null; then
    echo "needs a private network namespace (unshare ${ns[*]}); user namespaces are disabled here" >&2
    exit 2
  fi
  exec unshare "${ns[@]}" "$0" --inside "$@"
fi
shift

ip link set lo up
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# A FreeSWITCH event socket as FreeSWITCH ships it (password ClueCon): the emulator speaks the real protocol.
node --import tsx daemon/src/sim/freeswitch/cli.ts --port 8021 --password ClueCon >/dev/null &
pids+=($!)
held() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# A real broker where there is one (inside a user namespace it cannot drop to its own user: then a bare listener).
if command -v mosquitto >/dev/null; then
  mosquitto -p 1883 >/dev/null 2>&1 &
  pids+=($!)
  sleep 0.5
fi
if ! held 1883; then
  node -e 'require("net").createServer((s) => s.destroy()).listen(1883, "127.0.0.1")' &
  pids+=($!)
fi
node -e 'require("http").createServer((q, r) => r.end("not callpoint\n")).listen(8080, "0.0.0.0")' &
pids+=($!)

for port in 8021 1883 8080; do
  for _ in $(seq 50); do
    held "$port" && break
    sleep 0.2
  done
  held "$port" || { echo "could not hold port $port" >&2; exit 2; }
done
echo "holding 127.0.0.1:8021 (FreeSWITCH event socket), :1883 (MQTT), :8080 (HTTP) for the test run"
node scripts/run-tests.mjs "$@"
