#!/usr/bin/env bash
# Real-browser lessons and tests need Debian's Chromium. Install it when missing and we are root;
# otherwise say in one line how to get it (those tests then skip). Debian's publicsuffix (the Public Suffix List
# the engine computes sites with, as Chromium does) comes with it.
if { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } \
   && [ -f /usr/share/publicsuffix/public_suffix_list.dat ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium (real-browser checks need it)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium publicsuffix >/dev/null \
    && exit 0
  echo "Could not install chromium with apt-get; real-browser tests will skip."
else
  echo "Chromium not found: real-browser tests will skip. Install it with: sudo apt-get install chromium"
fi
exit 0
