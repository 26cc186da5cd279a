#!/usr/bin/env bash
# Installs the Debian packages WorkWell needs that are not already there.
#   run:  Qt's xcb platform plugin (a real window on a Linux desktop) - without
#         libxcb-cursor0, libxcb-icccm4 and libxcb-keysyms1 Qt aborts at start.
#   test: what the offscreen test-suite needs (EGL/GL/fontconfig for Qt, Xvfb and the
#         openbox window manager for the real-window check, poppler-utils to turn PDFs into PNGs, and for
#         the packaging tests wixl + msitools to build and read the MSI and
#         osslsigncode to Authenticode-sign and verify it; desktop-file-utils to check the
#         .deb's menu entry).
#   deb-depends: print the run list as the .deb's Depends field (packaging/linux/build-deb.sh).
# Only missing packages are installed, so a second run costs a few dpkg queries.
set -euo pipefail
common=(libegl1 libgl1 libfontconfig1 libxkbcommon0 libdbus-1-3 fonts-dejavu-core)
xcb=(libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
     libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0 libxcb-xfixes0)
case "${1:-run}" in
  run)  wanted=("${common[@]}" "${xcb[@]}") ;;
  test) wanted=("${common[@]}" "${xcb[@]}" xvfb xauth openbox poppler-utils wixl msitools osslsigncode
              desktop-file-utils) ;;
  deb-depends) (IFS=,; echo "${common[*]},${xcb[*]}" | sed 's/,/, /g'); exit 0 ;;
  *) echo "usage: $0 run|test|deb-depends" >&2; exit 2 ;;
esac
command -v dpkg-query >/dev/null || exit 0   # not Debian/Ubuntu: nothing we can do here
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n)
else
  echo "WorkWell needs these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
