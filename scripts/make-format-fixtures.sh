#!/bin/sh
# Regenerates model/audio/fixtures/formats/: one committed real-speech sample converted to every
# container/codec the engine reads (ffmpeg; AMR through sox, since Debian's ffmpeg has no AMR
# encoder). Committed so tests need neither tool. Usage: sh scripts/make-format-fixtures.sh
set -eu
SRC=assets/samples/an4-mskh-one-five-two-three-two.wav
OUT=model/audio/fixtures/formats
mkdir -p "$OUT"
ff() { ffmpeg -v error -y -bitexact -i "$SRC" "$@"; }
ff -c:a aac -b:a 64k "$OUT/voice.m4a"
ff -c:a aac -b:a 64k -f adts "$OUT/voice.aac"
ff -c:a libopus -b:a 48k "$OUT/voice.webm"
ff -c:a libopus -b:a 48k "$OUT/voice.opus"
ff -c:a libvorbis -q:a 4 "$OUT/voice.ogg"
ff -c:a pcm_s16be "$OUT/voice.aiff"
ff -c:a pcm_s16le "$OUT/voice.caf"
ff -c:a wmav2 -b:a 64k "$OUT/voice.wma"
ff -c:a flac "$OUT/voice.flac"
ff -c:a libmp3lame -b:a 64k "$OUT/voice.mp3"
sox "$SRC" -r 8000 -C 7 -t amr-nb "$OUT/voice.amr"
