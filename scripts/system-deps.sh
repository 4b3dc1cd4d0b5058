#!/usr/bin/env bash
# Installs the Debian packages the tests need, once. Idempotent: does nothing
# when everything is already there.
set -euo pipefail
packages=(fonts-wqy-zenhei libreoffice-writer-nogui chromium poppler-utils redis-server)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2; do
  if $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    exit 0
  fi
  echo "apt-get failed (attempt $attempt)" >&2
  sleep 5
done
echo "could not install ${missing[*]}: install them with apt-get and run again" >&2
exit 1
