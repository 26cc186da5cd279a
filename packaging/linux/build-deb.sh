#!/usr/bin/env bash
# Build the workwell .deb from a bundle folder with dpkg-deb (Debian's own tool).
#
#   packaging/linux/build-deb.sh BUNDLE_DIR OUT_DIR [VERSION]     (make package runs it)
#
# Layout (docs/deployment.md, "Linux"):
#   /opt/workwell/                      the bundle as built (its signed manifest, if any, inside)
#   /usr/bin/workwell, workwell-admin   launchers (workwell.sh)
#   /usr/share/applications/workwell.desktop, icons in /usr/share/icons/hicolor
#   /etc/workwell/policy.json           machine policy template, a conffile (kept on upgrade)
#   /usr/share/doc/workwell/            README.Debian, copyright
# Every file is owned by root (dpkg-deb --root-owner-group) and nothing is writable by
# group or others, so a coach cannot change the program. No maintainer scripts: nothing
# runs as root at install time, and removing or purging never touches coaches' homes.
# VERSION (default pyproject.toml's) is checked by packaging/versioning.py.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 BUNDLE_DIR OUT_DIR [VERSION]" >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
python=${PYTHON:-python3}
if [ $# -ge 3 ]; then version=$3; else version=$("$python" "$root/packaging/versioning.py" project-version); fi
"$python" "$root/packaging/versioning.py" check "$version" >/dev/null || exit 2
command -v dpkg-deb >/dev/null || { echo "dpkg-deb not found: apt-get install dpkg" >&2; exit 2; }
[ -x "$bundle/workwell" ] && [ -x "$bundle/workwell-admin" ] || {
  echo "$bundle is not a Linux WorkWell bundle (no workwell, workwell-admin)" >&2; exit 2; }
for asset in "$root/workwell_desktop/resources/icons/workwell.png" "$root/workwell_desktop/resources/icons/workwell.svg" \
             "$here/workwell.desktop" "$here/policy.json" "$here/workwell.sh" "$here/README.Debian"; do
  [ -f "$asset" ] || { echo "missing $asset" >&2; exit 2; }
done
arch=$(dpkg --print-architecture)
depends=$(bash "$root/packaging/debian-deps.sh" deb-depends)

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/workwell"
install -d -m 0755 "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/share/applications" \
  "$pkg/usr/share/icons/hicolor/256x256/apps" "$pkg/usr/share/icons/hicolor/scalable/apps" \
  "$pkg/usr/share/doc/workwell" "$pkg/etc/workwell"
cp -a "$bundle" "$pkg/opt/workwell"
# Whatever the build folder's umask was: root-owned, readable by all, writable by none but root.
chmod -R u+rwX,go+rX,go-w "$pkg/opt/workwell"
for exe in workwell workwell-admin; do
  sed "s/@EXE@/$exe/" "$here/workwell.sh" > "$pkg/usr/bin/$exe"
  chmod 0755 "$pkg/usr/bin/$exe"
done
install -m 0644 "$here/workwell.desktop" "$pkg/usr/share/applications/workwell.desktop"
install -m 0644 "$root/workwell_desktop/resources/icons/workwell.png" "$pkg/usr/share/icons/hicolor/256x256/apps/workwell.png"
install -m 0644 "$root/workwell_desktop/resources/icons/workwell.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/workwell.svg"
install -m 0644 "$here/policy.json" "$pkg/etc/workwell/policy.json"
install -m 0644 "$here/README.Debian" "$pkg/usr/share/doc/workwell/README.Debian"
{
  echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
  echo "Upstream-Name: WorkWell Desktop"
  echo
  echo "Files: usr/share/icons/*"
  echo "License: CC0-1.0"
  echo
  sed 's/^/ /; s/^ $/ ./' "$root/workwell_desktop/resources/icons/LICENSE.txt"
  echo
  echo "Files: opt/workwell/_internal/resources/letters/fonts/*"
  echo "License: OFL-1.1"
  echo " See opt/workwell/_internal/resources/letters/fonts/LICENSE-Liberation-OFL.txt"
} > "$pkg/usr/share/doc/workwell/copyright"
chmod 0644 "$pkg/usr/share/doc/workwell/copyright"

echo "/etc/workwell/policy.json" > "$pkg/DEBIAN/conffiles"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z \
   | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
installed_kb=$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<EOF
Package: workwell
Version: $version
Architecture: $arch
Maintainer: NHS WorkWell service IT <workwell-it@example.nhs.uk>
Installed-Size: $installed_kb
Depends: $depends
Section: misc
Priority: optional
Homepage: https://www.england.nhs.uk/
Description: offline-first desktop tool for NHS WorkWell coaches
 WorkWell Desktop keeps a work and health coach's caseload in an encrypted
 local database that works with no network, and syncs with the service's
 server when online. Installed in /opt/workwell; machine policy in
 /etc/workwell/policy.json.
EOF
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"
deb="$out/workwell_${version}_${arch}.deb"
rm -f "$deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$pkg" "$deb" >/dev/null
echo "built $deb ($(du -h "$deb" | cut -f1), version $version)"
