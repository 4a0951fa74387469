#!/usr/bin/env bash
# Installs the Debian packages the tests, demo and benchmarks use. Idempotent; a no-op when all are present.
set -euo pipefail
need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v keepalived >/dev/null 2>&1 || need+=(keepalived)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
# libfaketime: the wall-clock step regression test (Issue9WallClockStepTest) runs a JVM under it
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${need[*]} — run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
# the packaged etcd/prometheus services are not used; tests start their own on free ports
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd prometheus 2>/dev/null || true; fi
