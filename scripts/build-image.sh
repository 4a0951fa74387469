#!/usr/bin/env bash
# Builds the fipkeeper container image as an OCI archive, without a Docker engine and without any registry:
#   1. a runtime base from Debian packages only (mmdebstrap: JRE 17 headless, iproute2, ca-certificates; no apt, no
#      man pages or docs), cached for a day;
#   2. the agent jar and its launcher;
#   3. an AppCDS archive written by a training run of the image's own JVM (chroot into the rootfs) against a real
#      etcd and the Hetzner simulator, in a private network, mount and PID namespace that vanishes with the run;
#   4. umoci assembles two layers (base, app) and the config; the OCI layout is tarred into an archive that
#      `podman load`, `skopeo copy oci-archive:...` and `buildah manifest add oci-archive:...` read.
# Output: target/image/fipkeeper-<arch>.oci.tar. Needs root (chroot, namespaces), the jars
# (./mvnw -DskipTests package) and the tools from scripts/install-deps.sh. Decision: docs/decisions/0002.
#
# Environment:
#   FIPKEEPER_IMAGE_ARCH      Debian architecture to build (default: this machine's). Another one needs
#                             qemu-user-static, binfmt-support and arch-test: the training run executes the
#                             image's JVM (slowly, under emulation; raise TRAIN_TIMEOUT, seconds, default 120).
#   FIPKEEPER_IMAGE_VERSION   org.opencontainers.image.version label (default: the Maven project version)
#   FIPKEEPER_IMAGE_CACHE     where base rootfs tarballs are kept (default /var/cache/fipkeeper-image; "" = none)
#   FIPKEEPER_DEBIAN_MIRROR, FIPKEEPER_DEBIAN_SECURITY_MIRROR
#                             default: the URIs this machine's apt sources use for its own suite and -security
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

# The image's JRE 17 is packaged in Debian 12 (bookworm) only, so the image suite is fixed, whatever the build host
# runs (Debian 12 or 13 read the same mirror).
SUITE=bookworm
PACKAGES=openjdk-17-jre-headless,iproute2,ca-certificates
ARCH=${FIPKEEPER_IMAGE_ARCH:-$(dpkg --print-architecture)}
VERSION=${FIPKEEPER_IMAGE_VERSION:-$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)}
CACHE=${FIPKEEPER_IMAGE_CACHE-/var/cache/fipkeeper-image}
OUT_DIR=$ROOT/target/image
OUT=$OUT_DIR/fipkeeper-$ARCH.oci.tar
JAR=$ROOT/agent/target/fipkeeper.jar
SIM_JAR=$ROOT/hcloud-sim/target/hcloud-sim.jar
# The same flags as the chart's jvmOptions (deploy-tests checks that they agree).
JVM_OPTIONS="-Xms8m -Xmx32m -Xmn1m -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5 -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=2 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -Xshare:auto -XX:+ExitOnOutOfMemoryError"
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# shellcheck source=scripts/lib/image-testbed.sh
source "$ROOT/scripts/lib/image-testbed.sh"

log() { printf 'build-image: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

preflight() {
  [ "$(id -u)" -eq 0 ] || die "needs root (chroot and namespaces for the training run, root-owned files in the image)"
  local missing=()
  for tool in mmdebstrap umoci etcd java keytool openssl unshare ip tar sha256sum; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [ ${#missing[@]} -eq 0 ] || die "missing tools: ${missing[*]} (run: make deps)"
  for jar in "$JAR" "$SIM_JAR"; do
    [ -f "$jar" ] || die "missing $jar (build the jars: ./mvnw -B -ntp -DskipTests package)"
  done
  if [ "$ARCH" != "$(dpkg --print-architecture)" ] \
    && { [ ! -e "/proc/sys/fs/binfmt_misc/qemu-$(qemu_arch "$ARCH")" ] || ! command -v arch-test >/dev/null 2>&1; }; then
    die "building $ARCH on $(dpkg --print-architecture) needs qemu-user-static, binfmt-support and arch-test (mmdebstrap and the training run execute $ARCH binaries)"
  fi
}

qemu_arch() {
  case "$1" in
    arm64) echo aarch64 ;;
    amd64) echo x86_64 ;;
    *) echo "$1" ;;
  esac
}

# The URIs of this machine's Debian archive and security archive, from its apt sources (one-line and deb822).
# Only the package registries are reachable, so the image is built from the same mirror apt already uses.
mirror_for() {
  local suite=$1
  {
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk -v s="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1) == s) print $i }'
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v s="$suite" '
      BEGIN { RS = ""; FS = "\n" }
      { uris = ""; ok = 0; deb = 0
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^URIs:/) { uris = $i; sub(/^URIs:[ \t]*/, "", uris) }
          if ($i ~ /^Types:/ && $i ~ /[ \t]deb([ \t]|$)/) deb = 1
          if ($i ~ /^Suites:/) { n = split($i, w, /[ \t]+/); for (j = 2; j <= n; j++) if (w[j] == s) ok = 1 }
        }
        if (ok && deb) { split(uris, u, /[ \t]+/); print u[1] } }'
  } | head -1
}

find_mirrors() {
  local codename
  # shellcheck source=/dev/null
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  MIRROR=${FIPKEEPER_DEBIAN_MIRROR:-}
  SECURITY_MIRROR=${FIPKEEPER_DEBIAN_SECURITY_MIRROR:-}
  if [ -z "$MIRROR" ] || [ -z "$SECURITY_MIRROR" ]; then
    # shellcheck source=/dev/null
    (. /etc/os-release && [ "${ID:-}" = debian ]) \
      || die "not a Debian host: set FIPKEEPER_DEBIAN_MIRROR and FIPKEEPER_DEBIAN_SECURITY_MIRROR"
    [ -n "$MIRROR" ] || MIRROR=$(mirror_for "$codename")
    [ -n "$SECURITY_MIRROR" ] || SECURITY_MIRROR=$(mirror_for "$codename-security")
  fi
  [ -n "$MIRROR" ] || die "no apt source for suite $codename in /etc/apt/sources.list*: set FIPKEEPER_DEBIAN_MIRROR"
  [ -n "$SECURITY_MIRROR" ] \
    || die "no apt source for suite $codename-security in /etc/apt/sources.list*: set FIPKEEPER_DEBIAN_SECURITY_MIRROR"
}

# The base rootfs as a tarball. Cached for the day only: a newer security update then reaches the next build.
BASE_DIGEST_INPUT() {
  printf '%s\n' "v1" "$SUITE" "$ARCH" "$PACKAGES" "$MIRROR" "$SECURITY_MIRROR" "$(date -u +%F)"
}

build_base() {
  local key target
  key=$(BASE_DIGEST_INPUT | sha256sum | cut -c1-16)
  if [ -n "$CACHE" ] && [ -f "$CACHE/base-$ARCH-$key.tar" ]; then
    log "base rootfs: cached $CACHE/base-$ARCH-$key.tar"
    BASE_TAR=$CACHE/base-$ARCH-$key.tar
    return
  fi
  local proxy_opt=()
  local APT_PROXY=""
  eval "$(apt-config shell APT_PROXY Acquire::http::Proxy 2>/dev/null || true)"
  [ -z "$APT_PROXY" ] || proxy_opt=(--aptopt="Acquire::http::Proxy \"$APT_PROXY\"")
  target=$WORK/base.tar
  log "base rootfs: mmdebstrap $SUITE/$ARCH from $MIRROR (+ $SECURITY_MIRROR): $PACKAGES"
  # essential variant: Essential:yes packages plus ours and their dependencies, no apt. Merged /usr is set up by the
  # hook instead of the usrmerge package (which would pull in perl). update-alternatives needs man1 to exist even
  # though no man page is installed; the customize hook removes what a running agent never reads. The hooks' "$1"
  # (the new root) is expanded by mmdebstrap, not here.
  # shellcheck disable=SC2016
  mmdebstrap --variant=essential --arch="$ARCH" --format=tar --include="$PACKAGES" \
    --aptopt='APT::Install-Recommends "false"' "${proxy_opt[@]}" \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/lintian/*' --dpkgopt='path-exclude=/usr/share/bash-completion/*' \
    --setup-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='rm -rf "$1/usr/share/man" "$1"/var/log/* "$1"/var/cache/debconf/*-old "$1"/var/lib/dpkg/*-old' \
    --customize-hook='test -s "$1/etc/ssl/certs/java/cacerts"' \
    "$SUITE" "$target" \
    "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main" "deb $SECURITY_MIRROR $SUITE-security main" \
    >"$WORK/mmdebstrap.log" 2>&1 || { tail -30 "$WORK/mmdebstrap.log" >&2; die "mmdebstrap failed (log above)"; }
  BASE_TAR=$target
  if [ -n "$CACHE" ]; then
    mkdir -p "$CACHE"
    rm -f "$CACHE"/base-"$ARCH"-*.tar
    cp "$target" "$CACHE/base-$ARCH-$key.tar.tmp" && mv "$CACHE/base-$ARCH-$key.tar.tmp" "$CACHE/base-$ARCH-$key.tar"
  fi
}

# /app/fipkeeper.jar and the launcher, with a fixed mtime: the CDS archive records the jar's size and mtime and is
# refused if they differ at run time, so the training copy and the layer copy must be identical.
stage_app() {
  local stamp
  stamp=$(stat -c %Y "$JAR")
  mkdir -p "$WORK/app/app" "$WORK/app/usr/local/bin"
  cp "$JAR" "$WORK/app/app/fipkeeper.jar"
  install -m 0755 "$ROOT/image/fipkeeper" "$WORK/app/usr/local/bin/fipkeeper"
  touch -d "@$stamp" "$WORK/app/app/fipkeeper.jar" "$WORK/app/usr/local/bin/fipkeeper"
}

# Runs the agent from the image rootfs once, as a leader, and writes /app/fipkeeper.jsa when it exits. The Hetzner
# API (the simulator behind image/TlsForward.java) and the apiserver probe (openssl s_server) are HTTPS as in a
# cluster, so the TLS classes are archived too: they cost ~1 s of start-up and ~4 MiB when loaded from the JDK.
# The training CA goes into this throw-away rootfs's trust store only; the image's layers come from $BASE_TAR.
train_appcds() {
  local rootfs=$WORK/rootfs pki=$WORK/pki
  mkdir -p "$rootfs"
  tar -C "$rootfs" -xf "$BASE_TAR"
  cp -a "$WORK/app/." "$rootfs/"
  make_pki "$pki" fipkeeper-training training "$rootfs" || die "cannot make the training PKI"
  log "AppCDS: training run of the image's JVM"
  cat >"$WORK/train.sh" <<'TRAIN'
set -euo pipefail
rootfs=$1 work=$2 sim_jar=$3 forward=$4 pki=$5 who=training
# shellcheck source=scripts/lib/image-testbed.sh
source "$6"
ip link set lo up
# a veth pair stands in for the node's interface (the dummy driver is not always loadable)
ip link add eth0 type veth peer name eth1
ip addr add 192.0.2.10/24 dev eth0
ip link set eth0 up
ip link set eth1 up
mount -t proc proc "$rootfs/proc"
chroot "$rootfs" java -version 2>&1 | sed -n 2p >&2
mount -t tmpfs -o size=64m tmpfs "$rootfs/tmp"
for dev in null zero random urandom; do touch "$rootfs/dev/$dev"; mount --bind "/dev/$dev" "$rootfs/dev/$dev"; done

start_backends "$sim_jar" "$forward" "$pki/server.p12" training training-token --server train=192.0.2.10
openssl s_server -quiet -www -accept 127.0.0.1:6443 -cert "$pki/server.crt" -key "$pki/server.key" \
  >"$work/apiserver.log" 2>&1 &
server=$(sed -n 's/.*server train id=\([0-9]*\).*/\1/p' "$work/sim.log" | head -1)
mkdir -p "$rootfs/tmp/fipkeeper"
printf training-token >"$rootfs/tmp/fipkeeper/token"
cat >"$rootfs/tmp/fipkeeper/config.yaml" <<CONFIG
node: train
floatingIp: {name: k8s-api}
hcloud:
  endpoint: https://127.0.0.1:8443/v1
  tokenFile: /tmp/fipkeeper/token
  metadataUrl: http://127.0.0.1:8080/metadata/$server/hetzner/v1/metadata
  actionPollInterval: 100ms
etcd: {endpoints: ["http://127.0.0.1:2379"], leaseTtl: 2s, prefix: /fipkeeper-training}
interface: eth0
binder: ip
apiserver: {enabled: true, url: "https://127.0.0.1:6443/readyz", insecureSkipVerify: true, interval: 500ms}
handoverTimeout: 1s
http: {listen: "127.0.0.1:9847"}
log: {format: json, level: info}
CONFIG
chroot "$rootfs" /usr/bin/env -i PATH="$IMAGE_PATH" JAVA_TOOL_OPTIONS="$JVM_OPTIONS" MALLOC_ARENA_MAX=1 \
  java -XX:ArchiveClassesAtExit=/app/fipkeeper.jsa -jar /app/fipkeeper.jar run --config /tmp/fipkeeper/config.yaml \
  >"$work/agent.log" 2>&1 &
agent=$!
await "leader with the address bound" "${TRAIN_TIMEOUT:-120}" \
  bash -c "$(declare -f http_get); http_get 9847 /status | grep -q '\"state\":\"LEADING\".*\"bound\":true'"
for path in /healthz /readyz /status /metrics /nothing; do http_get 9847 "$path" >/dev/null; done
grep -q 'handshake ok' "$work/forward.log" || { echo "training: the agent never reached the API over TLS" >&2; exit 1; }
kill -TERM "$agent"
wait "$agent" || { echo "training: the agent exited with $?" >&2; tail -20 "$work/agent.log" >&2; exit 1; }
TRAIN
  # PID namespace: etcd, the simulator and the agent die with the script; mount namespace: the proc, tmpfs and bind
  # mounts vanish with it; network namespace: fixed loopback ports that collide with nothing on this machine.
  IMAGE_PATH=$IMAGE_PATH JVM_OPTIONS=$JVM_OPTIONS \
    unshare --fork --pid --mount --net --kill-child --propagation private \
    bash "$WORK/train.sh" "$rootfs" "$WORK" "$SIM_JAR" "$ROOT/image/TlsForward.java" "$pki" \
    "$ROOT/scripts/lib/image-testbed.sh" \
    || die "AppCDS training run failed (logs: $WORK/*.log, kept)"
  [ -s "$rootfs/app/fipkeeper.jsa" ] || die "the training run wrote no /app/fipkeeper.jsa (log: $WORK/agent.log)"
  cp "$rootfs/app/fipkeeper.jsa" "$WORK/app/app/fipkeeper.jsa"
  touch -d "@$(stat -c %Y "$JAR")" "$WORK/app/app/fipkeeper.jsa"
  log "AppCDS: archive $(du -m "$WORK/app/app/fipkeeper.jsa" | cut -f1) MiB"
}

assemble() {
  local oci=$WORK/oci tag=fipkeeper created revision
  created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  revision=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)
  umoci init --layout "$oci"
  umoci new --image "$oci:$tag"
  umoci raw add-layer --image "$oci:$tag" --history.created_by "mmdebstrap --variant=essential $SUITE: $PACKAGES" \
    "$BASE_TAR"
  # root-owned, world-readable whatever the build machine's umask: the layer's directories (/, /usr, ...) replace
  # the base layer's modes
  tar --numeric-owner --owner=0 --group=0 --mode='u+rwX,go+rX,go-w' -C "$WORK/app" -cf "$WORK/app.tar" .
  umoci raw add-layer --image "$oci:$tag" --history.created_by "fipkeeper $VERSION: agent jar, AppCDS archive, launcher" \
    "$WORK/app.tar"
  umoci config --image "$oci:$tag" --architecture "$ARCH" --os linux --created "$created" \
    --config.user 0:0 --config.workingdir / \
    --config.entrypoint /usr/local/bin/fipkeeper \
    --config.cmd run --config.cmd --config --config.cmd /etc/fipkeeper/config.yaml \
    --config.env "PATH=$IMAGE_PATH" --config.env "JAVA_TOOL_OPTIONS=$JVM_OPTIONS" --config.env MALLOC_ARENA_MAX=1 \
    --config.exposedports 9847/tcp \
    --config.label org.opencontainers.image.title=fipkeeper \
    --config.label "org.opencontainers.image.description=Keeps a Hetzner Cloud floating IP on a healthy Kubernetes control-plane node" \
    --config.label "org.opencontainers.image.version=$VERSION" \
    --config.label "org.opencontainers.image.revision=$revision" \
    --config.label org.opencontainers.image.source=https://github.com/fipkeeper/fipkeeper \
    --config.label "io.fipkeeper.image.base=Debian $SUITE packages: $PACKAGES" \
    --history.created_by "fipkeeper config"
  umoci gc --layout "$oci"
  mkdir -p "$OUT_DIR"
  tar --numeric-owner -C "$oci" -cf "$OUT.tmp" .
  mv "$OUT.tmp" "$OUT"
  log "wrote $OUT: $(du -m "$OUT" | cut -f1) MiB compressed (layers: base $(du -m "$BASE_TAR" | cut -f1) MiB + app $(du -m "$WORK/app.tar" | cut -f1) MiB uncompressed)"
}

preflight
find_mirrors
WORK=$(mktemp -d /var/tmp/fipkeeper-image.XXXXXX)
cleanup() {
  local rc=$?
  if [ "$rc" -eq 0 ]; then rm -rf "$WORK"; else log "work directory kept for inspection: $WORK"; fi
}
trap cleanup EXIT
started=$SECONDS
build_base
stage_app
train_appcds
assemble
log "done in $((SECONDS - started)) s"
