#!/bin/sh
# Reference signal for the loss-concealment test, produced by SoX v14.4.2 (Debian 12 package "sox").
# Raw mono signed 16-bit little-endian at 8 kHz. -D: no dither.
set -eu
cd "$(dirname "$0")"

# 2 s of a vowel-like sound: a 120-180 Hz sawtooth glide (rich in harmonics), shaped by
# two formant-like band-passes, with a 5 Hz vibrato-like tremolo, at -6 dBFS
sox -D -n -t raw -e signed -b 16 -c 1 -r 8000 voiced.s16 synth 2 sawtooth 120-180 vol 0.2 \
  sinc 200-3400 bandpass 700 300h bandpass 1200 500h tremolo 5 30 gain -n -6
