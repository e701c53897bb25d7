#!/bin/sh
# The architecture, checked: core includes nothing of HTTP, JSON, SQLite, libpq,
# OpenSSL or libssh; the store (SQLite, PostgreSQL) includes only core; secret/
# is a leaf (OpenSSL only); sftp/ (libssh) includes only core and secret/;
# console/ (the console proxy) includes none of ours but its own;
# neither adapter includes the other (and inside the OpenStack one, shared/
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
check core 'httplib|rapidjson|sqlite|libpq|openssl|libssh|store/|secret/|adapters/|gateway/|sftp/|console/' 'core is protocol-neutral and storage-neutral'
check store 'httplib|rapidjson|adapters/|gateway/|libssh|sftp/' 'the store knows only core, SQLite and libpq'
check secret 'httplib|rapidjson|sqlite|libpq|libssh|core/|store/|adapters/|gateway/|sftp/' 'secret/ is a leaf library'
check adapters/openstack 'adapters/transfer|gateway/|store/|sqlite|libpq|libssh|sftp/|console/' 'the OpenStack adapter knows only core'
check adapters/transfer 'adapters/openstack|gateway/|store/|sqlite|libpq|libssh|sftp/|console/' 'the Transfer adapter knows only core'
check sftp 'httplib|rapidjson|sqlite|libpq|adapters/|gateway/|store/|console/' 'the SFTP endpoints know core, secret/ and libssh'
check console 'httplib|sqlite|libpq|libssh|core/|store/|secret/|adapters/|gateway/|sftp/' 'the console proxy knows only OpenSSL and RapidJSON'
# Inside the OpenStack adapter: shared/ is below every service, Keystone below the others.
check adapters/openstack/shared 'adapters/openstack/(keystone|glance|nova|neutron)/' 'shared/ is what the services share'
check adapters/openstack/keystone 'adapters/openstack/(glance|nova|neutron)/' 'Keystone needs no other service'
check adapters/openstack/neutron 'adapters/openstack/(glance|nova)/' 'Neutron needs only Keystone'
[ $fail -eq 0 ] && echo "layering ok"
exit $fail
