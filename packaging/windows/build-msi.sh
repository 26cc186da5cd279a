#!/usr/bin/env bash
# Build the WorkWell MSI from a bundle folder with wixl (Debian: msitools/wixl).
#
#   packaging/windows/build-msi.sh BUNDLE_DIR OUT.msi [VERSION]
#
# On Linux this is the check that workwell.wxs builds and has the tables we mean (the
# packaging tests run it on the Linux bundle and read it back with msiinfo; such an
# MSI installs Linux files and is for testing only). The real installer is built on
# Windows from the Windows bundle with WiX 3 by build_msi.py beside this script, from
# the same workwell.wxs.
#
# VERSION (default: pyproject.toml's) must be three whole numbers, x.y.z, within
# Windows Installer's limits (packaging/versioning.py says why); anything else is
# refused before anything is built.
#
# The bundle's files (including its signed manifest) become component group
# CG.Bundle, generated with wixl-heat. An MSI cannot hold symbolic links, so a link
# (the Linux bundle has some; a Windows bundle has none) goes in as a copy of the
# file it points to; packaging/verify accepts such a copy only when its bytes are
# those of the link's target in the signed manifest.
#
# wixl writes no SecureCustomProperties for Property/@Secure (light.exe does): the
# properties marked Secure="yes" in workwell.wxs are added to it here with msibuild,
# so the check MSI's Property table is the one WiX 3 writes.
#
# HelpLink and Contact (Add/Remove Programs) come from WORKWELL_HELP_LINK and
# WORKWELL_CONTACT, with the defaults below.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 BUNDLE_DIR OUT.msi [VERSION]" >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bundle=$(cd "$1" && pwd)
out=$(realpath -m "$2")
python=${PYTHON:-python3}
if [ $# -ge 3 ]; then version=$3; else version=$("$python" "$here/../versioning.py" project-version); fi
"$python" "$here/../versioning.py" check "$version" >/dev/null || exit 2
help_link=${WORKWELL_HELP_LINK:-https://www.england.nhs.uk/}
contact=${WORKWELL_CONTACT:-Your service IT team (NHS WorkWell)}
icon="$root/workwell_desktop/resources/icons/workwell.ico"
[ -f "$icon" ] || { echo "missing $icon (run packaging/make_icons.py)" >&2; exit 2; }
for tool in wixl wixl-heat msibuild; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install wixl msitools" >&2; exit 2; }
done
exe=workwell.exe
[ -f "$bundle/$exe" ] || exe=workwell
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# wixl reads sources by relative path only: point links at the bundle and the icon.
ln -s "$bundle" "$work/bundle"
ln -s "$icon" "$work/workwell.ico"
if (cd "$bundle" && find . -type l -xtype d | grep -q .); then
  echo "the bundle holds a link to a folder, which an MSI cannot carry" >&2; exit 1
fi
(cd "$bundle" && find . \( -type f -o -type l \) | sed 's|^\./|bundle/|' | LC_ALL=C sort) \
  | wixl-heat --prefix bundle/ --component-group CG.Bundle --var var.BundleDir \
              --directory-ref INSTALLDIR --win64 > "$work/files.wxs"
cp "$here/workwell.wxs" "$work/workwell.wxs"
rm -f "$out"
status=0
(cd "$work" && wixl --arch x64 -D BundleDir=bundle -D Version="$version" -D ExeName="$exe" -D Win64=yes \
   -D IconFile=workwell.ico -D HelpLink="$help_link" -D Contact="$contact" \
   -o "$out" workwell.wxs files.wxs) 2> "$work/wixl.log" || status=$?
grep -v -e "no property named 'Secure'" -e '^$' "$work/wixl.log" >&2 || true
if [ "$status" -ne 0 ] || [ ! -s "$out" ]; then echo "wixl failed (exit $status)" >&2; exit 1; fi

# SecureCustomProperties: what wixl wrote (the Upgrade table's properties) plus every
# Property Id="..." Secure="yes" of workwell.wxs, as light.exe would write it.
secure=$(sed -n 's/.*<Property Id="\([A-Z0-9_]*\)" Secure="yes".*/\1/p' "$here/workwell.wxs" | paste -sd';')
current=$(msiinfo export "$out" Property | tr -d '\r' | awk -F'\t' '$1 == "SecureCustomProperties" {print $2}')
merged=$(printf '%s;%s' "$current" "$secure" | tr ';' '\n' | awk 'NF && !seen[$0]++' | paste -sd';')
if [ -n "$current" ]; then
  msibuild "$out" -q "UPDATE \`Property\` SET \`Value\` = '$merged' WHERE \`Property\` = 'SecureCustomProperties'"
else
  msibuild "$out" -q "INSERT INTO \`Property\` (\`Property\`, \`Value\`) VALUES ('SecureCustomProperties', '$merged')"
fi
files=$(cd "$bundle" && find . \( -type f -o -type l \) | wc -l)
echo "built $out ($(du -h "$out" | cut -f1), version $version, $files files)"
