# syntax=docker/dockerfile:1
# fipkeeper agent image for people with Docker: shaded jar on a Debian JRE 17, plus iproute2 for binding the
# floating IP and ca-certificates for the Hetzner API.
#   docker build -t fipkeeper:dev .
#   docker build --build-arg BASE=registry.example.com/debian:bookworm-slim -t fipkeeper:dev .
# The project's tested and published image is built without Docker by `make image` (scripts/build-image.sh: the same
# packages, plus an AppCDS archive from a training run); see docs/deployment.md and docs/decisions/0002.

# Any Debian 12 based image with apt works as the runtime base (a mirror of debian:bookworm-slim, for instance).
ARG BASE=debian:bookworm-slim

# ---- build ----------------------------------------------------------------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Maven reads every module's pom even with -pl, so the whole source tree goes in (.dockerignore trims it).
COPY . .
# the cache mount keeps ~/.m2 between builds without baking it into a layer
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl agent -am package -DskipTests \
 && cp agent/target/fipkeeper.jar /fipkeeper.jar

# ---- runtime base: JRE + iproute2 + CA bundle (also the base for a Jib-built image, see docs/deployment.md) ---
FROM ${BASE} AS runtime-base
# iproute2: `ip addr add/del` binds the floating IP (/32, /128) on the node's interface
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless iproute2 ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# ---- runtime --------------------------------------------------------------------------------------------
FROM runtime-base AS runtime
ARG VERSION=dev
LABEL org.opencontainers.image.title="fipkeeper" \
      org.opencontainers.image.description="Keeps a Hetzner Cloud floating IP on a healthy Kubernetes control-plane node" \
      org.opencontainers.image.version="${VERSION}"

COPY --from=build /fipkeeper.jar /app/fipkeeper.jar

# `fipkeeper <command>`: the same launcher as the `make image` image (it uses /app/fipkeeper.jsa when present).
COPY --chmod=0755 image/fipkeeper /usr/local/bin/fipkeeper

# uid 0 on purpose: `ip addr` needs an effective CAP_NET_ADMIN, which Kubernetes grants only to uid 0 (there are
# no ambient capabilities for non-root users, and no_new_privs from allowPrivilegeEscalation=false ignores file
# capabilities). The chart drops every other capability, forbids escalation and mounts the root read-only.
USER 0:0
# The same flags as the chart's jvmOptions (measured in docs/benchmarks.md); one malloc arena saves resident memory.
ENV JAVA_TOOL_OPTIONS="-Xms8m -Xmx32m -Xmn1m -XX:MaxHeapFreeRatio=20 -XX:MinHeapFreeRatio=5 -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:CompileThresholdScaling=2 -XX:ReservedCodeCacheSize=16m -XX:MaxMetaspaceSize=64m -Xshare:auto -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=1
EXPOSE 9847
ENTRYPOINT ["/usr/local/bin/fipkeeper"]
CMD ["run", "--config", "/etc/fipkeeper/config.yaml"]
