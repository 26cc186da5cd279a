#!/bin/sh
# Start WorkWell Desktop (installed by the workwell package into /opt/workwell).
# The path is worked out from this script's own place, so an install unpacked into
# another root (dpkg --root, the packaging tests) starts its own copy.
here=$(dirname "$(readlink -f "$0")")
exec "$here/../../opt/workwell/@EXE@" "$@"
