#!/usr/bin/env bash
# Resident memory of the image's agent JVM, leader and standby, for JVM flag variants: a benchmark that prints
# numbers (docs/deployment.md, "Resources and JVM flags", has the table it produced).
#   bash scripts/image-memory.sh [ROUNDS] [VARIANTS_FILE]
# Each variant line is LABEL|EXTRA JVM FLAGS|ENV (the extra flags go after the image's JAVA_TOOL_OPTIONS, so they
# win; ENV replaces the image's MALLOC_ARENA_MAX=1 when given). Without a file: the image as built, then the flags
# that were tried for issue 12. Each round runs every variant once, in order, so slow phases of a shared machine
# spread over all variants.
#
# What one run is: the image's root filesystem (unpacked from target/image/fipkeeper-<arch>.oci.tar by umoci), its
# JVM, launcher and AppCDS archive, run by chroot in a private network, mount and PID namespace with a real etcd,
# the Hetzner simulator behind HTTPS (image/TlsForward.java, its CA added to the throw-away rootfs's trust store, as
# a user adds a CA) and two agents on two veth interfaces: cp-1 becomes leader, then cp-2 joins as standby. After 10 s
# of steady state, 20 one-second samples while /metrics is scraped on both; printed: VmRSS of the leader (last and
# max), its anonymous and file-backed parts and thread count, VmRSS of the standby, and ms from starting the leader
# to /readyz 200. Not a container (no cgroup limit), but the same process image: ImageSmokeTest measures the same
# VmRSS inside podman (within ~1 MiB of these numbers). Needs root, `make image` first, etcd, umoci, openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS=${1:-3}
VARIANTS=${2:-}
ARCH=$(dpkg --print-architecture)
ARCHIVE=$ROOT/target/image/fipkeeper-$ARCH.oci.tar
SIM_JAR=$ROOT/hcloud-sim/target/hcloud-sim.jar

# shellcheck source=scripts/lib/image-testbed.sh
source "$ROOT/scripts/lib/image-testbed.sh"

die() { printf 'image-memory: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (chroot and namespaces)"
[ -f "$ARCHIVE" ] || die "missing $ARCHIVE (make image)"
[ -f "$SIM_JAR" ] || die "missing $SIM_JAR (./mvnw -B -ntp -DskipTests package)"
for tool in umoci etcd java keytool openssl unshare ip bc; do
  command -v "$tool" >/dev/null 2>&1 || die "missing $tool"
done

WORK=$(mktemp -d /var/tmp/fipkeeper-image-memory.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/oci"
tar -C "$WORK/oci" -xf "$ARCHIVE"
umoci unpack --image "$WORK/oci:fipkeeper" "$WORK/bundle" >/dev/null
ROOTFS=$WORK/bundle/rootfs
IMAGE_FLAGS=$(sed -n 's/^[[:space:]]*"JAVA_TOOL_OPTIONS=\([^"]*\)",\{0,1\}$/\1/p' "$WORK/bundle/config.json")
[ -n "$IMAGE_FLAGS" ] || die "no JAVA_TOOL_OPTIONS in the image config"
make_pki "$WORK/pki" image-memory-ca memory "$ROOTFS" || die "cannot make the PKI"

if [ -z "$VARIANTS" ]; then
  VARIANTS=$WORK/variants
  cat >"$VARIANTS" <<'LIST'
image as built||
MALLOC_ARENA_MAX=2||MALLOC_ARENA_MAX=2
-Xss256k|-Xss256k|
-Xmn2m|-Xmn2m|
-XX:CompileThresholdScaling=1|-XX:CompileThresholdScaling=1|
LIST
fi

cat >"$WORK/run.sh" <<'RUN'
set -euo pipefail
work=$1 rootfs=$2 sim_jar=$3 forward=$4 label=$5 flags=$6 env=$7 who=image-memory
# shellcheck source=scripts/lib/image-testbed.sh
source "$8"
mount -t proc proc /proc
mount -t proc proc "$rootfs/proc"
mount -t tmpfs -o size=64m tmpfs "$rootfs/tmp"
for dev in null zero random urandom; do mount --bind "/dev/$dev" "$rootfs/dev/$dev"; done
ip link set lo up
ip link add eth0 type veth peer name eth1
ip link add eth2 type veth peer name eth3
ip addr add 192.0.2.10/24 dev eth0
ip addr add 192.0.2.11/24 dev eth2
for i in eth0 eth1 eth2 eth3; do ip link set "$i" up; done

kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }

start_backends "$sim_jar" "$forward" "$work/pki/server.p12" memory memory-token \
  --server cp-1=192.0.2.10 --server cp-2=192.0.2.11
mkdir -p "$rootfs/tmp/fipkeeper"
printf memory-token >"$rootfs/tmp/fipkeeper/token"
for n in 1 2; do
  server=$(sed -n "s/.*server cp-$n id=\([0-9]*\).*/\1/p" "$work/sim.log" | head -1)
  cat >"$rootfs/tmp/fipkeeper/config-$n.yaml" <<CONFIG
node: cp-$n
floatingIp: {name: k8s-api}
hcloud:
  endpoint: https://127.0.0.1:8443/v1
  tokenFile: /tmp/fipkeeper/token
  metadataUrl: http://127.0.0.1:8080/metadata/$server/hetzner/v1/metadata
etcd: {endpoints: ["http://127.0.0.1:2379"]}
interface: eth$(( (n - 1) * 2 ))
binder: ip
apiserver: {enabled: false}
http: {listen: "127.0.0.1:$((9846 + n))"}
log: {format: json, level: info}
CONFIG
done
start() { # node number; the agent's PID on stdout (the launcher and chroot exec into java)
  # shellcheck disable=SC2086 # $env is empty or NAME=VALUE words
  chroot "$rootfs" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    JAVA_TOOL_OPTIONS="$flags" ${env:-MALLOC_ARENA_MAX=1} \
    /usr/local/bin/fipkeeper run --config "/tmp/fipkeeper/config-$1.yaml" >"$work/agent-$1.log" 2>&1 &
  echo $!
}
t0=$(date +%s%N)
leader=$(start 1)
await "/readyz 200 from cp-1" 60 bash -c "$(declare -f http_get); http_get 9847 /readyz | grep -q ' 200 '"
ready=$(( ($(date +%s%N) - t0) / 1000000 ))
await "cp-1 leading with the address bound" 60 \
  bash -c "$(declare -f http_get); http_get 9847 /status | grep -q '\"state\":\"LEADING\".*\"bound\":true'"
standby=$(start 2)
await "cp-2 campaigning" 60 bash -c "$(declare -f http_get); http_get 9848 /status | grep -q CAMPAIGNING"
sleep 10 # steady state before sampling
max=0
for _ in $(seq 20); do
  http_get 9847 /metrics >/dev/null
  http_get 9848 /metrics >/dev/null
  rss=$(kib "$leader" VmRSS)
  [ "$rss" -le "$max" ] || max=$rss
  sleep 1
done
printf '| %s | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %s |\n' "$label" \
  "$(bc -l <<<"$(kib "$leader" VmRSS)/1024")" "$(bc -l <<<"$max/1024")" \
  "$(bc -l <<<"$(kib "$leader" RssAnon)/1024")" "$(bc -l <<<"$(kib "$leader" RssFile)/1024")" \
  "$(kib "$leader" Threads)" "$(bc -l <<<"$(kib "$standby" VmRSS)/1024")" "$ready"
kill -TERM "$leader" "$standby"
RUN

echo "image: $ARCHIVE; JAVA_TOOL_OPTIONS=$IMAGE_FLAGS; $(nproc) cores"
echo "| variant | leader MiB | leader max | anon | file | threads | standby MiB | ready ms |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for _ in $(seq "$ROUNDS"); do
  while IFS='|' read -r label extra env; do
    [ -n "$label" ] || continue
    rm -rf "$WORK/etcd" "$WORK"/*.log
    # PID namespace: etcd, the simulator and the agents die with the run; mount namespace: the mounts vanish with it
    unshare --fork --pid --mount --net --kill-child --propagation private \
      bash "$WORK/run.sh" "$WORK" "$ROOTFS" "$SIM_JAR" "$ROOT/image/TlsForward.java" "$label" \
      "$IMAGE_FLAGS $extra" "$env" "$ROOT/scripts/lib/image-testbed.sh" || die "run '$label' failed"
  done <"$VARIANTS"
done
