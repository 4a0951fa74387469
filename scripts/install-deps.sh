#!/usr/bin/env bash
# Installs the Debian packages the tests, demo and benchmarks use. Idempotent; a no-op when all are present.
set -euo pipefail
need=()
command -v etcd >/dev/null 2>&1 || need+=(etcd-server)
command -v etcdctl >/dev/null 2>&1 || need+=(etcd-client)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v keepalived >/dev/null 2>&1 || need+=(keepalived)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# Hetzner's own CLI, for the simulator's conformance test
command -v hcloud >/dev/null 2>&1 || need+=(hcloud-cli)
# the real kubectl the testbed's outside client runs (Debian 12: kubectl 1.20; Debian 13: a transitional package
# that pulls Debian's kubectl 1.32)
dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q 'ok installed' || need+=(kubernetes-client)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "missing packages: ${need[*]} — run: sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Some images carry Google Cloud SDK's "kubectl" package, whose /usr/bin/kubectl symlink collides with Debian 12's
# kubernetes-client. Divert it to kubectl.gcloud (dpkg's own mechanism for such collisions) so Debian's can install.
if [[ " ${need[*]} " == *" kubernetes-client "* ]] && readlink /usr/bin/kubectl 2>/dev/null | grep -q google-cloud-sdk; then
  dpkg-divert --package kubernetes-client --divert /usr/bin/kubectl.gcloud --rename --add /usr/bin/kubectl
fi
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}"
# the packaged etcd/prometheus services are not used; tests start their own on free ports
if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd prometheus 2>/dev/null || true; fi
