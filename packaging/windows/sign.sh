#!/usr/bin/env bash
# Authenticode-sign Windows files with osslsigncode (Linux), in the order given:
# the executables first, then the MSI that contains them (as signtool does on Windows).
#
#   packaging/windows/sign.sh --cert CERT.pem --key KEY.pem [--timestamp URL] FILE...
#
# CERT.pem may hold the whole chain (signing certificate first). KEY_PASSWORD in the
# environment unlocks an encrypted key. Each file is replaced by its signed copy only
# when signing worked, then checked with `osslsigncode verify` (add --cafile CA.pem
# for a private or self-signed CA, as the tests do).
set -euo pipefail
cert="" key="" ts="" cafile=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cert) cert=$2; shift 2 ;;
    --key) key=$2; shift 2 ;;
    --timestamp) ts=$2; shift 2 ;;
    --cafile) cafile=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ -z "$cert" ] || [ -z "$key" ] || [ $# -eq 0 ]; then
  echo "usage: $0 --cert CERT.pem --key KEY.pem [--timestamp URL] [--cafile CA.pem] FILE..." >&2; exit 2
fi
command -v osslsigncode >/dev/null || { echo "osslsigncode not found: apt-get install osslsigncode" >&2; exit 2; }
for file in "$@"; do
  args=(sign -certs "$cert" -key "$key" -h sha256 -n "WorkWell Desktop" -i "https://www.england.nhs.uk/")
  [ -n "${KEY_PASSWORD:-}" ] && args+=(-pass "$KEY_PASSWORD")
  [ -n "$ts" ] && args+=(-ts "$ts")
  osslsigncode "${args[@]}" -in "$file" -out "$file.signed" >/dev/null
  mv -f "$file.signed" "$file"
  check=(verify -in "$file")
  [ -n "$cafile" ] && check+=(-CAfile "$cafile")
  osslsigncode "${check[@]}" >/dev/null || { echo "signature check failed for $file" >&2; exit 1; }
  echo "signed $file"
done
