#!/bin/sh
# The architecture, checked: core includes nothing of HTTP, JSON, SQLite or
# OpenSSL; the store (SQLite) includes only core; secret/ is a leaf (OpenSSL
# only); neither adapter includes the other (and inside the OpenStack one, shared/
# and keystone/ include no other service), the store or the gateway. Only
# gateway/ wires them together. (System headers such as httplib.h
# and rapidjson are on every include path, so the link line alone cannot stop
# an include; this can.)
root="$1"
fail=0
check() {  # folder, forbidden pattern, why
  hits=$(grep -rnE "#include [<\"]($2)" "$root/$1" 2>/dev/null)
  if [ -n "$hits" ]; then
    echo "layering violation in $1/ ($3):"; echo "$hits"; fail=1
  fi
}
check core 'httplib|rapidjson|sqlite|openssl|store/|secret/|adapters/|gateway/' 'core is protocol-neutral and storage-neutral'
check store 'httplib|rapidjson|adapters/|gateway/' 'the store knows only core and SQLite'
check secret 'httplib|rapidjson|sqlite|core/|store/|adapters/|gateway/' 'secret/ is a leaf library'
check adapters/openstack 'adapters/transfer|gateway/|store/|sqlite' 'the OpenStack adapter knows only core'
check adapters/transfer 'adapters/openstack|gateway/|store/|sqlite' 'the Transfer adapter knows only core'
# Inside the OpenStack adapter: shared/ is below every service, Keystone below the others.
check adapters/openstack/shared 'adapters/openstack/(keystone|glance|nova|neutron)/' 'shared/ is what the services share'
check adapters/openstack/keystone 'adapters/openstack/(glance|nova|neutron)/' 'Keystone needs no other service'
check adapters/openstack/neutron 'adapters/openstack/(glance|nova)/' 'Neutron needs only Keystone'
[ $fail -eq 0 ] && echo "layering ok"
exit $fail
