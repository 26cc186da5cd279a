#!/usr/bin/env bash
# Build the WorkWell MSI from a bundle folder with wixl (Debian: msitools/wixl).
#
#   packaging/windows/build-msi.sh BUNDLE_DIR OUT.msi [VERSION]
#
# On Linux this is the check that workwell.wxs builds (the packaging tests run it on
# the Linux bundle; such an MSI installs Linux files and is for testing only). The
# real installer is built on Windows from the Windows bundle with WiX, see README.md
# beside this script; the same workwell.wxs is used there with heat.exe's file list.
# The bundle's files (including its signed manifest) become component group
# CG.Bundle, generated here with wixl-heat; symbolic links are left out (Windows
# bundles have none).
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 BUNDLE_DIR OUT.msi [VERSION]" >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
bundle=$(cd "$1" && pwd)
out=$(realpath -m "$2")
version=${3:-$(sed -n 's/^version *= *"\([0-9.]*\)".*/\1/p' "$here/../../pyproject.toml" | head -1)}
for tool in wixl wixl-heat; do
  command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install wixl msitools" >&2; exit 2; }
done
exe=workwell.exe
[ -f "$bundle/$exe" ] || exe=workwell
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# wixl reads sources by relative path only: point a link at the bundle.
ln -s "$bundle" "$work/bundle"
(cd "$bundle" && find . -type f | sed 's|^\./|bundle/|' | LC_ALL=C sort) \
  | wixl-heat --prefix bundle/ --component-group CG.Bundle --var var.BundleDir \
              --directory-ref INSTALLDIR --win64 > "$work/files.wxs"
cp "$here/workwell.wxs" "$work/workwell.wxs"
# wixl ignores Property/@Secure (WiX turns it into SecureCustomProperties); fine for
# this check build, whose MSI is never deployed.
rm -f "$out"
status=0
(cd "$work" && wixl --arch x64 -D BundleDir=bundle -D Version="$version" -D ExeName="$exe" -D Win64=yes \
   -o "$out" workwell.wxs files.wxs) 2> "$work/wixl.log" || status=$?
grep -v -e "no property named 'Secure'" -e '^$' "$work/wixl.log" >&2 || true
if [ "$status" -ne 0 ] || [ ! -s "$out" ]; then echo "wixl failed (exit $status)" >&2; exit 1; fi
echo "built $out ($(du -h "$out" | cut -f1), version $version, $(wc -l < <(cd "$bundle" && find . -type f)) files)"
