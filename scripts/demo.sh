#!/usr/bin/env bash
# Local demo: a real 3-member etcd, the Hetzner API simulator and three fipkeeper agents as processes.
# As root: every node is its own network namespace, the floating IP is really bound and routed, and an
# outside client measures the outage. Not root: everything on loopback with the recording binder.
# Extra arguments go to the demo command (see: java -jar bench/target/fipkeeper-bench.jar demo --help).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/etcd ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "etcd is missing: sudo apt-get install -y etcd-server" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends etcd-server
  # the packaged service is not used: the demo starts its own members
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd 2>/dev/null || true; fi
fi

jars=(agent/target/fipkeeper.jar hcloud-sim/target/hcloud-sim.jar bench/target/fipkeeper-bench.jar)
for jar in "${jars[@]}"; do
  if [ ! -f "$jar" ]; then
    echo "building the jars (./mvnw -q -DskipTests package)..."
    ./mvnw -q -B -ntp -DskipTests package
    break
  fi
done

exec java -XX:+UseSerialGC -Xmx256m -jar bench/target/fipkeeper-bench.jar demo \
  --agent-jar agent/target/fipkeeper.jar --sim-jar hcloud-sim/target/hcloud-sim.jar "$@"
