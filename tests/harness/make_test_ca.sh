#!/bin/sh
# A throwaway certificate authority and a server certificate it signed, made
# with the openssl command for the HTTPS tests and benchmarks:
#   make_test_ca.sh DIR  ->  DIR/ca.pem, DIR/server.pem, DIR/server.key,
#                            DIR/other.key (a key that matches nothing)
# The server certificate names localhost, 127.0.0.1 and ::1, and is valid for
# two days: long enough for any run, short enough to be worthless if leaked.
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
quiet() { "$@" 2>/dev/null || { echo "make_test_ca.sh: failed: $*" >&2; "$@"; exit 1; }; }

cat > ca.ext <<'EXT'
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EXT
cat > server.ext <<'EXT'
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EXT

quiet openssl ecparam -name prime256v1 -genkey -noout -out ca.key
quiet openssl req -new -key ca.key -subj "/CN=lifecycle-gateway test CA" -out ca.csr
quiet openssl x509 -req -in ca.csr -signkey ca.key -days 2 -extfile ca.ext -out ca.pem

quiet openssl ecparam -name prime256v1 -genkey -noout -out server.ec.key
quiet openssl pkcs8 -topk8 -nocrypt -in server.ec.key -out server.key
quiet openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
quiet openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
    -out server.pem

quiet openssl ecparam -name prime256v1 -genkey -noout -out other.ec.key
quiet openssl pkcs8 -topk8 -nocrypt -in other.ec.key -out other.key
rm -f ca.csr server.csr server.ec.key other.ec.key ca.srl ca.ext server.ext
