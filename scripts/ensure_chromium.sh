#!/usr/bin/env bash
# Real-browser lessons and tests need Debian's Chromium and Firefox ESR. Install what is missing when we are root
# (one apt-get call for both); otherwise say in one line how to get them (those tests then skip). Debian's
# publicsuffix (the Public Suffix List the engine computes sites with, as the browsers do) comes with them, and
# nginx (the framework tests run generated nginx configurations in it).
missing=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || command -v firefox >/dev/null 2>&1 || missing+=(firefox-esr)
[ -f /usr/share/publicsuffix/public_suffix_list.dat ] || missing+=(publicsuffix)
# nginx: tests/frameworks/ run the generated nginx configurations (and nginx's traps) in Debian's nginx
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's ${missing[*]} (real-browser checks need them)..."
  # nginx's package starts a system nginx on port 80 where an init system lets it; the tests run their own nginx
  # on loopback, so no service may start during the install (policy-rc.d answering 101 forbids it)
  no_services=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && no_services=1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  installed=$?
  [ -n "$no_services" ] && rm -f /usr/sbin/policy-rc.d
  [ $installed -eq 0 ] && exit 0
  echo "Could not install ${missing[*]} with apt-get; real-browser tests will skip."
else
  echo "Not found: ${missing[*]}; real-browser tests will skip. Install with: sudo apt-get install ${missing[*]}"
fi
exit 0
