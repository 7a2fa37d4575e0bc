#!/usr/bin/env bash
# The .deb of the app: Tauri's bundler, then its data repacked with xz.
# Tauri's deb bundler (2.x) writes data.tar.gz at gzip level 6 only; dpkg-deb's
# own default is xz, which dpkg has read since 1.15.6 (every Debian and Ubuntu
# of the last ten years): the binary, most of the package, compresses about
# a third smaller (see the README's performance section for the figures).
# Run after the build it packages, with Tauri's bundle arguments:
#   cargo build --release && src-tauri/bundle-deb.sh
#   cargo build && src-tauri/bundle-deb.sh --debug
# The package keeps its name and place (target/<profile>/bundle/deb/).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=release
for a in "$@"; do case $a in -d | --debug) profile=debug ;; esac; done
ui/node_modules/.bin/tauri bundle --bundles deb --ci "$@"
shopt -s nullglob
debs=(target/"$profile"/bundle/deb/*.deb)
((${#debs[@]})) || { echo "bundle-deb: no .deb in target/$profile/bundle/deb" >&2; exit 1; }
for deb in "${debs[@]}"; do
  tmp=$(mktemp -d)
  # Raw extraction keeps the control files (md5sums, control) as Tauri wrote
  # them; the package is rebuilt with the files owned by root, as installed.
  dpkg-deb --raw-extract "$deb" "$tmp/pkg"
  dpkg-deb --root-owner-group -Zxz -z9 -Sextreme --build "$tmp/pkg" "$tmp/new.deb" >/dev/null
  before=$(stat -c %s "$deb")
  mv "$tmp/new.deb" "$deb"
  rm -rf "$tmp"
  echo "bundle-deb: $deb repacked with xz: $before → $(stat -c %s "$deb") bytes"
done
