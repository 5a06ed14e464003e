#!/bin/sh
# Reference ringback for RingbackTest, produced by SoX v14.4.2 (Debian 12 package "sox"). Raw
# mono signed 16-bit little-endian at 8 kHz, -D: no dither. One cadence and the start of the
# next: 1 s of 425 Hz at -10 dBFS (vol 0.316228), 4 s of silence, 0.5 s of the tone again.
set -eu
cd "$(dirname "$0")"
RAW="-t raw -e signed -b 16 -c 1 -r 8000"
sox -D -n $RAW on.tmp synth 1 sine 425 vol 0.316228
sox -D -n $RAW off.tmp trim 0 4
sox -D -n $RAW again.tmp synth 0.5 sine 425 vol 0.316228
cat on.tmp off.tmp again.tmp > ringback-425-1s-4s.s16
rm -f on.tmp off.tmp again.tmp
