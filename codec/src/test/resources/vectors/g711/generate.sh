#!/bin/sh
# Reference vectors for the G.711 tests, produced by SoX v14.4.2 (Debian 12 package "sox")
# and perl. All raw files are mono, little-endian; *.s16 are signed 16-bit at 8 kHz,
# *.alaw / *.ulaw are one G.711 byte per sample.
# -D turns dithering off (sox would otherwise add dither when reducing to 8 bits);
# -R makes the noise generator repeatable.
set -eu
cd "$(dirname "$0")"
RAW16="-t raw -r 8000 -e signed -b 16 -c 1"

# Inputs: a 2 s sweep 50-3950 Hz, and 2 s of speech-like noise (pink noise band-limited
# to 200-3400 Hz with a 4 Hz syllabic amplitude modulation, normalised to -3 dBFS).
sox -D -R -n $RAW16 sweep.s16 synth 2 sine 50-3950 gain -1
sox -D -R -n $RAW16 noise.s16 synth 2 pinknoise sinc 200-3400 tremolo 4 90 gain -n -3

for v in sweep noise; do
  # encode: 16-bit linear -> G.711
  sox -D $RAW16 $v.s16 -t raw -r 8000 -e a-law -b 8 -c 1 $v.alaw
  sox -D $RAW16 $v.s16 -t raw -r 8000 -e mu-law -b 8 -c 1 $v.ulaw
  # decode: G.711 -> 16-bit linear
  sox -D -t raw -r 8000 -e a-law -b 8 -c 1 $v.alaw $RAW16 $v.alaw.s16
  sox -D -t raw -r 8000 -e mu-law -b 8 -c 1 $v.ulaw $RAW16 $v.ulaw.s16
done

# Every 16-bit value -32768..32767 in order, encoded by sox (the input itself is not kept:
# the test regenerates it). sox reports a few "clipped" samples at full scale; that is its
# output, and ours must match it.
perl -e 'print pack("s<*", -32768..32767)' > ramp.s16.tmp
sox -D $RAW16 ramp.s16.tmp -t raw -r 8000 -e a-law -b 8 -c 1 ramp.alaw
sox -D $RAW16 ramp.s16.tmp -t raw -r 8000 -e mu-law -b 8 -c 1 ramp.ulaw
rm ramp.s16.tmp

# Every code 0..255 in order, decoded by sox.
perl -e 'print pack("C*", 0..255)' > codes.tmp
sox -D -t raw -r 8000 -e a-law -b 8 -c 1 codes.tmp $RAW16 codes.alaw.s16
sox -D -t raw -r 8000 -e mu-law -b 8 -c 1 codes.tmp $RAW16 codes.ulaw.s16
rm codes.tmp
