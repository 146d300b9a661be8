#!/bin/sh
# Renders assets/build/icon.svg into the icons electron-builder.yml names: PNGs per size for
# Linux (assets/build/icons/NxN.png), icon.icns for macOS, icon.ico for Windows, plus the
# 1024 px icon.png. The outputs are committed; run this after changing the SVG.
# Needs Debian's librsvg2-bin (rsvg-convert), icnsutils (png2icns) and icoutils (icotool):
#   apt-get install librsvg2-bin icnsutils icoutils
set -eu
cd "$(dirname "$0")/../assets/build"
for tool in rsvg-convert png2icns icotool; do
  command -v "$tool" >/dev/null || { echo "make-icons: $tool not found (apt-get install librsvg2-bin icnsutils icoutils)" >&2; exit 1; }
done
rm -rf icons && mkdir icons
for size in 16 24 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$size" -h "$size" icon.svg -o "icons/${size}x${size}.png"
done
cp icons/1024x1024.png icon.png
# png2icns takes the sizes ICNS has slots for.
png2icns icon.icns icons/16x16.png icons/32x32.png icons/48x48.png icons/128x128.png icons/256x256.png icons/512x512.png icons/1024x1024.png >/dev/null
# The 256 px image goes in as PNG (-r), as Windows Vista and later read it; the rest as bitmaps.
icotool -c -o icon.ico icons/16x16.png icons/24x24.png icons/32x32.png icons/48x48.png icons/64x64.png icons/128x128.png -r icons/256x256.png
rm icons/1024x1024.png
echo "make-icons: assets/build/icons/*.png, icon.png, icon.icns, icon.ico"
