# fipkeeper — common entry points. Everything goes through the Maven Wrapper, so only a JDK 17 is needed.
MVN ?= ./mvnw -B -ntp

.PHONY: help build test demo bench bench-failover chaos image image-memory clean deps

help:
	@echo "make deps    install system packages the tests and demo use (etcd-server, prometheus, keepalived; needs root)"
	@echo "make build   compile and package the agent and the simulator jars (no tests)"
	@echo "make test    run every test (unit, real etcd, network namespaces, Helm chart, short chaos suite)"
	@echo "make demo    local demo: etcd + Hetzner simulator + three agents, a leader crash and a graceful handover"
	@echo "make bench   full failover benchmark and chaos suite vs keepalived; writes docs/benchmarks.md"
	@echo "make image   build the container image as an OCI archive, no Docker needed (target/image/; needs root)"
	@echo "make image-memory  the image agent's RSS (leader, standby) for JVM flag variants (scripts/image-memory.sh)"

deps:
	@bash scripts/install-deps.sh

build:
	$(MVN) -DskipTests package

test: deps
	$(MVN) verify

demo: deps build
	@bash scripts/demo.sh

bench: deps build
	@bash scripts/bench.sh

bench-failover: bench

image: deps build
	@bash scripts/build-image.sh

image-memory: image
	@bash scripts/image-memory.sh

clean:
	$(MVN) -q clean
