#!/bin/sh
# Certificates and ACL entries for central's mosquitto (see README.md):
#
#   pki.sh init DIR BROKER_HOST   a CA, and the broker's certificate for BROKER_HOST
#   pki.sh central DIR            central's client certificate (CN=central)
#   pki.sh appliance DIR SITE NODE
#                                 an appliance's client certificate
#                                 (CN=callpoint.SITE.NODE) and its ACL block,
#                                 appended to DIR/acl
#
# Keys are EC P-256, made here and never leave DIR (mode 0600): copy an
# appliance's .crt/.key and ca.crt to it (uplink.ca, uplink.cert, uplink.key).
# DIR/acl starts as a copy of this folder's acl. Needs openssl.
set -eu
umask 077
here=$(cd "$(dirname "$0")" && pwd)
days=${PKI_DAYS:-1825}

usage() { echo "usage: $0 init DIR BROKER_HOST | central DIR | appliance DIR SITE NODE" >&2; exit 2; }

# A name used in a CN and the ACL: what Callpoint allows for site and node ids.
check_id() { echo "$1" | grep -Eq '^[a-z0-9][a-z0-9_-]{0,62}$' || { echo "$0: \"$1\" is not a site or node id (a-z 0-9 _ -)" >&2; exit 2; }; }

client_cert() { # DIR NAME CN
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$3" \
    -keyout "$1/$2.key" -out "$1/$2.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n' > "$1/$2.ext"
  openssl x509 -req -in "$1/$2.csr" -CA "$1/ca.crt" -CAkey "$1/ca.key" -CAcreateserial -days "$days" -sha256 \
    -extfile "$1/$2.ext" -out "$1/$2.crt" 2>/dev/null
  rm -f "$1/$2.csr" "$1/$2.ext"
}

[ $# -ge 2 ] || usage
cmd=$1 dir=$2
case "$cmd" in
  init)
    [ $# -eq 3 ] || usage
    mkdir -p "$dir"
    [ -e "$dir/ca.key" ] && { echo "$0: $dir/ca.key exists: a CA is never overwritten" >&2; exit 1; }
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days "$days" -sha256 \
      -subj "/CN=Callpoint central CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$3" \
      -keyout "$dir/broker.key" -out "$dir/broker.csr" 2>/dev/null
    case "$3" in
      *[!0-9.]*) san="DNS:$3" ;;
      *) san="IP:$3" ;;
    esac
    printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$san" > "$dir/broker.ext"
    openssl x509 -req -in "$dir/broker.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" -sha256 \
      -extfile "$dir/broker.ext" -out "$dir/broker.crt" 2>/dev/null
    rm -f "$dir/broker.csr" "$dir/broker.ext"
    cp "$here/acl" "$dir/acl"
    chmod 644 "$dir/ca.crt" "$dir/broker.crt" "$dir/acl"
    echo "CA and broker certificate for $3 in $dir"
    ;;
  central)
    client_cert "$dir" central central
    echo "central's certificate: $dir/central.crt, key $dir/central.key"
    ;;
  appliance)
    [ $# -eq 4 ] || usage
    check_id "$3"; check_id "$4"
    name="callpoint.$3.$4"
    [ -e "$dir/$name.crt" ] && { echo "$0: $dir/$name.crt exists" >&2; exit 1; }
    client_cert "$dir" "$name" "$name"
    root="callpoint/v1/$3/$4"
    cat >> "$dir/acl" <<ACL

# Appliance $3/$4 (certificate CN=$name): its own topics only.
user $name
topic write $root/status
topic write $root/alarm
topic write $root/call
topic write $root/event
topic write $root/cmd-result/#
topic read $root/cmd/#
ACL
    echo "appliance $3/$4: $dir/$name.crt, key $dir/$name.key; ACL block appended to $dir/acl (reload mosquitto)"
    ;;
  *) usage ;;
esac
