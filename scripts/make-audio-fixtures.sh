#!/bin/sh
# Regenerates the tiny audio fixtures under model/audio/fixtures/ with sox, flac, lame and oggenc
# (apt: sox libsox-fmt-all flac lame vorbis-tools). sox is the independent reference: the tests
# decode each file with our reader and compare to ref_stereo_8k.f32, which sox wrote directly.
# Dither is off (-D) so every format holds the reference rounded to its own precision.
set -eu
cd "$(dirname "$0")/../model/audio/fixtures"

# Reference: 0.25 s, 8 kHz, stereo; left 440 Hz at 0.5, right 1000 Hz at 0.3 (so the mono mix
# differs from either channel). Raw little-endian float32, interleaved.
sox -D -n -r 8000 -c 2 -e floating-point -b 32 -t f32 ref_stereo_8k.f32 synth 0.25 sine 440 sine 1000 remix 1v0.5 2v0.3

src="-D -t f32 -r 8000 -c 2 ref_stereo_8k.f32"
sox $src -t wavpcm -e unsigned-integer -b 8 pcm_u8_stereo.wav
sox $src -t wavpcm -e signed-integer -b 16 pcm_s16_stereo.wav
sox $src -t wav -e signed-integer -b 24 pcm_s24_stereo_ext.wav          # sox writes EXTENSIBLE above 16 bit
sox $src -t wav -e signed-integer -b 32 pcm_s32_stereo_ext.wav
sox $src -t wavpcm -e floating-point -b 32 float32_stereo.wav   # sox never writes float as EXTENSIBLE; the test builds that header itself
sox $src -t wavpcm -e signed-integer -b 16 pcm_s16_mono_left.wav remix 1
sox $src -t wav -e signed-integer -b 16 pcm_s16_3ch_ext.wav remix 1 2 1   # 3 channels: L, R, L (EXTENSIBLE)
sox $src -t wavpcm -e signed-integer -b 24 pcm_s24_stereo.wav
flac -s -f --best -o flac_s16_stereo.flac pcm_s16_stereo.wav

# Lossy source: 0.5 s, 16 kHz mono, a 200 Hz -> 3 kHz sweep (not periodic, so the codec delay
# found by cross-correlation is unambiguous). MP3 and Ogg are compared to this WAV.
sox -D -n -r 16000 -c 1 -b 16 -t wavpcm lossy_src_16k.wav synth 0.5 sine 200-3000 vol 0.5
lame --silent -m m -b 32 lossy_src_16k.wav mp3_16k_mono.mp3
oggenc -Q -q 2 -o vorbis_16k_mono.ogg lossy_src_16k.wav
ls -l
