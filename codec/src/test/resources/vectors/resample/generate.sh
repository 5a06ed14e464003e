#!/bin/sh
# Reference vectors for the resampler tests, produced by SoX v14.4.2 (Debian 12 package "sox").
# Raw mono signed 16-bit little-endian. -D: no dither; -R: repeatable noise.
set -eu
cd "$(dirname "$0")"
RAW="-t raw -e signed -b 16 -c 1"

# 1 s of a 1 kHz tone at -6 dBFS, 8 kHz: the 8->48->8 round trip
sox -D -R -n $RAW -r 8000 tone1k.8k.s16 synth 1 sine 1000 gain -6

# 1 s of speech-like noise (pink noise band-limited to 200-3400 Hz, 4 Hz syllabic
# modulation, -6 dBFS) at 8 kHz, and sox's own conversion of it to 48 kHz
sox -D -R -n $RAW -r 8000 speech.8k.s16 synth 1 pinknoise sinc 200-3400 tremolo 4 90 gain -n -6
sox -D $RAW -r 8000 speech.8k.s16 $RAW -r 48000 speech.8k.to48k.s16 rate -v

# the same kind of noise made at 48 kHz, and sox's conversion of it to 8 kHz
sox -D -R -n $RAW -r 48000 speech.48k.s16 synth 1 pinknoise sinc 200-3400 tremolo 4 90 gain -n -6
sox -D $RAW -r 48000 speech.48k.s16 $RAW -r 8000 speech.48k.to8k.s16 rate -v

# 1 s of wideband speech-like noise (100-7000 Hz) at 16 kHz, and sox's conversion to 48 kHz
sox -D -R -n $RAW -r 16000 speech.16k.s16 synth 1 pinknoise sinc 100-7000 tremolo 4 90 gain -n -6
sox -D $RAW -r 16000 speech.16k.s16 $RAW -r 48000 speech.16k.to48k.s16 rate -v
