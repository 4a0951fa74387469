# syntax=docker/dockerfile:1
# fipkeeper agent image: shaded jar on a Temurin 17 JRE, plus iproute2 for binding the floating IP.
#   docker build -t fipkeeper:dev .
# Not built or run in the project's own CI (no Docker daemon or registry there); see docs/deployment.md.

# ---- build ----------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Maven reads every module's pom even with -pl, so the whole source tree goes in (.dockerignore trims it).
COPY . .
# the cache mount keeps ~/.m2 between builds without baking it into a layer
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl agent -am package -DskipTests \
 && cp agent/target/fipkeeper.jar /fipkeeper.jar

# ---- runtime base: JRE + iproute2 (also the base for a Jib-built image, see docs/deployment.md) ----------
FROM eclipse-temurin:17-jre AS runtime-base
# iproute2: `ip addr add/del` binds the floating IP (/32, /128) on the node's interface
RUN apt-get update \
 && apt-get install -y --no-install-recommends iproute2 \
 && rm -rf /var/lib/apt/lists/*

# ---- runtime --------------------------------------------------------------------------------------------
FROM runtime-base AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="fipkeeper" \
      org.opencontainers.image.description="Keeps a Hetzner Cloud floating IP on a healthy Kubernetes control-plane node" \
      org.opencontainers.image.version="${VERSION}"

COPY --from=build /fipkeeper.jar /app/fipkeeper.jar

# `fipkeeper <command>`: the agent (`run`) takes its JVM flags from JAVA_TOOL_OPTIONS, which the JVM reads by
# itself (the chart sets it). One-shot commands (status, check-config, talos-patch) started with `kubectl exec`
# run as a second JVM inside the pod's memory limit, so they ignore those flags and use a small fixed heap.
RUN printf '%s\n' \
      '#!/bin/sh' \
      'set -eu' \
      'if [ "${1:-}" = "run" ]; then exec java -jar /app/fipkeeper.jar "$@"; fi' \
      'unset JAVA_TOOL_OPTIONS' \
      'exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Xmx32m -Xshare:auto -jar /app/fipkeeper.jar "$@"' \
      > /usr/local/bin/fipkeeper \
 && chmod 0755 /usr/local/bin/fipkeeper

# uid 0 on purpose: `ip addr` needs an effective CAP_NET_ADMIN, which Kubernetes grants only to uid 0 (there are
# no ambient capabilities for non-root users, and no_new_privs from allowPrivilegeEscalation=false ignores file
# capabilities). The chart drops every other capability, forbids escalation and mounts the root read-only.
USER 0:0
# The same flags as the chart's jvmOptions (measured in docs/benchmarks.md); one malloc arena saves resident memory.
ENV JAVA_TOOL_OPTIONS="-Xms8m -Xmx32m -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5 -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=1
EXPOSE 9847
ENTRYPOINT ["/usr/local/bin/fipkeeper"]
CMD ["run", "--config", "/etc/fipkeeper/config.yaml"]
