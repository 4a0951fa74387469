# shellcheck shell=bash
# Sourced by the scripts that run the image's JVM by chroot inside a private network namespace (build-image.sh's
# AppCDS training run, image-memory.sh): HTTP on loopback, waiting for a state, and the backends an agent needs —
# etcd, the Hetzner simulator and, in front of it, image/TlsForward.java, so the agent reaches the API over HTTPS.
# Callers set $work (where logs go) and $who (how messages start).
# shellcheck disable=SC2154 # $work and $who come from the caller

http_get() { # port path -> the response on stdout; fails when nothing listens
  exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&3
  cat <&3
  exec 3<&-
}

await() { # what, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 10))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "$who: no $what within ${seconds}s" >&2
  tail -20 "$work"/*.log >&2 || true
  return 1
}

# etcd on 127.0.0.1:2379, the simulator on 127.0.0.1:8080 and HTTPS on 127.0.0.1:8443; returns once all three answer.
start_backends() { # sim_jar forward_java keystore.p12 keystore_password token --server NAME=IP...
  local sim_jar=$1 forward=$2 keystore=$3 password=$4 token=$5; shift 5
  etcd --name image --data-dir "$work/etcd" --listen-client-urls http://127.0.0.1:2379 \
    --advertise-client-urls http://127.0.0.1:2379 --listen-peer-urls http://127.0.0.1:2380 \
    --initial-advertise-peer-urls http://127.0.0.1:2380 --initial-cluster image=http://127.0.0.1:2380 \
    >"$work/etcd.log" 2>&1 &
  java -Xmx128m -XX:+UseSerialGC -jar "$sim_jar" --host 127.0.0.1 --port 8080 --token "$token" "$@" \
    --floating-ip k8s-api=203.0.113.10 --action-duration 200ms >"$work/sim.log" 2>&1 &
  java -Xmx32m "$forward" 127.0.0.1:8443 127.0.0.1:8080 "$keystore" "$password" >"$work/forward.log" 2>&1 &
  await "etcd health" 60 bash -c "$(declare -f http_get); http_get 2379 /health | grep -q true"
  await "simulator" 60 grep -q 'listening on' "$work/sim.log"
  await "TLS forwarder" 60 grep -q 'listening on' "$work/forward.log"
}

# A throw-away CA and a server certificate for 127.0.0.1 (server.crt/.key, and server.p12 for TlsForward), added to
# a rootfs's Java trust store the way a user adds a CA. Fails with openssl's output on stderr.
make_pki() { # dir ca_name p12_password rootfs
  local dir=$1 name=$2 password=$3 rootfs=$4
  mkdir -p "$dir"
  printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$dir/server.ext"
  if ! (
    cd "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 1 -subj "/CN=$name"
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 1 -extfile server.ext
    openssl pkcs12 -export -in server.crt -inkey server.key -out server.p12 -passout "pass:$password"
  ) >"$dir/pki.log" 2>&1; then
    cat "$dir/pki.log" >&2
    return 1
  fi
  keytool -importcert -noprompt -keystore "$rootfs/etc/ssl/certs/java/cacerts" -storepass changeit \
    -alias "$name" -file "$dir/ca.crt" >/dev/null 2>&1
}
