#!/bin/sh
# Browser tests drive Debian's Chromium at /usr/bin/chromium (Playwright cannot download browsers here).
# Installs it when missing and we are root; otherwise says exactly what to install.
set -e
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (Debian package 'chromium')…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "The browser tests need Chromium at /usr/bin/chromium." >&2
echo "Install it as root with:  apt-get update && apt-get install -y chromium" >&2
exit 1
