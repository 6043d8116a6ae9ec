#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver when /usr/bin/chromedriver is missing, so the
# dashboard's browser test (DashboardBrowserITCase) drives a local browser and Selenium never
# downloads one. Needs root (apt-get); does nothing when both are already there.
set -euo pipefail

if [[ -x /usr/bin/chromedriver && -x /usr/bin/chromium ]]; then
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "install-chromium.sh: chromium and chromium-driver are missing and this is not root:" \
       "run apt-get install -y chromium chromium-driver as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium chromium-driver
