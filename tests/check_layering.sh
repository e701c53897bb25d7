#!/bin/sh
# The architecture, checked: core includes nothing of HTTP or JSON, secret/
# is a leaf (OpenSSL only), and neither adapter includes the other or the
# gateway. (System headers such as httplib.h
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
check core 'httplib|rapidjson|openssl|adapters/|gateway/|secret/' 'core is protocol-neutral'
check secret 'httplib|rapidjson|core/|adapters/|gateway/' 'secret/ is a leaf library'
check adapters/nova 'adapters/transfer|gateway/' 'the Nova adapter knows only core'
check adapters/transfer 'adapters/nova|gateway/' 'the Transfer adapter knows only core'
[ $fail -eq 0 ] && echo "layering ok"
exit $fail
