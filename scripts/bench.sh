#!/usr/bin/env bash
# make bench: the failover benchmark (bench-failover), the chaos suite against keepalived (chaos, when this
# build has it), then docs/benchmarks.md and docs/benchmarks/failover.png from bench/target/results/*.json.
# Needs root (network namespaces) and /usr/bin/etcd (make deps). Takes about 20 minutes plus the chaos suite.
# Environment: TRIALS (default 20), STEADY_SECONDS (default 300), ACTION_MS (default 0,1000),
# CHAOS_TRIALS (default 20: every chaos scenario but the node replacements, fipkeeper's and keepalived's),
# CHAOS_LONG_TRIALS (default 5: the minute-long etcd-quorum-loss-long and etcd-slow), CHAOS_ARGS (more `chaos`
# options, e.g. "--scenario-trials clock-step=10 --agent-setting takeoverTimeout=15s"), REPLACE_TRIALS (node
# replacement scenarios, default 10; rolling-replace runs at most 3), SKIP_CHAOS=1 to run only the failover
# benchmark. The chaos suite at the defaults takes about two and a half hours on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "bench.sh: the benchmark runs on the namespace testbed and needs root (sudo make bench)" >&2
  exit 2
fi
if [ ! -x /usr/bin/etcd ]; then
  echo "bench.sh: /usr/bin/etcd is missing (make deps, or apt-get install etcd-server)" >&2
  exit 1
fi

jars=(agent/target/fipkeeper.jar hcloud-sim/target/hcloud-sim.jar bench/target/fipkeeper-bench.jar)
for jar in "${jars[@]}"; do
  if [ ! -f "$jar" ]; then
    echo "building the jars (./mvnw -q -DskipTests package)..."
    ./mvnw -q -B -ntp -DskipTests package
    break
  fi
done

bench=(java -XX:+UseSerialGC -Xmx256m -Djava.awt.headless=true -jar bench/target/fipkeeper-bench.jar)
results=bench/target/results
mkdir -p "$results"
# the report reads every results file present: start from an empty directory so it shows this run only
rm -f "$results"/*.json

status=0
started=$(date +%s)
"${bench[@]}" bench-failover --trials "${TRIALS:-20}" --steady-seconds "${STEADY_SECONDS:-300}" \
  --action-ms "${ACTION_MS:-0,1000}" --out "$results/failover.json" || status=$?

if [ "${SKIP_CHAOS:-0}" = 1 ]; then
  echo "bench.sh: chaos suite skipped (SKIP_CHAOS=1)"
elif "${bench[@]}" --help | grep -qE '^ +chaos( |$)'; then
  replacements=replace-leader,replace-standby,rolling-replace,replace-leader-hard
  # shellcheck disable=SC2086 # CHAOS_ARGS is a list of options
  "${bench[@]}" chaos --skip-scenarios "$replacements" --trials "${CHAOS_TRIALS:-20}" \
    --long-trials "${CHAOS_LONG_TRIALS:-5}" ${CHAOS_ARGS:-} --out "$results/chaos.json" || status=$?
  # the operator's scenario (servers deleted and recreated, kubectl watching): more trials, fipkeeper only
  "${bench[@]}" chaos --scenarios "$replacements" --trials "${REPLACE_TRIALS:-10}" --tools fipkeeper \
    --steady-seconds 5 --out "$results/chaos-replace.json" || status=$?
else
  echo "bench.sh: this build has no chaos subcommand; chaos suite skipped"
fi

if ls "$results"/*.json >/dev/null 2>&1; then
  "${bench[@]}" report --in "$results" --out docs/benchmarks.md --charts docs/benchmarks || status=$?
else
  echo "bench.sh: no results to report" >&2
  status=1
fi
echo "bench.sh: finished in $(( ($(date +%s) - started) / 60 )) min, exit $status"
exit "$status"
