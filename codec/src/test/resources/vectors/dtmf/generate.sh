#!/bin/sh
# Reference DTMF tones for the detector and generator tests, produced by SoX v14.4.2
# (Debian 12 package "sox"). Raw mono signed 16-bit little-endian at 8 kHz. -D: no dither;
# -R: repeatable noise. Each digit: its row and column sines from two channels of synth,
# mixed into one (sox's remix takes each at half volume), then halved: each tone at -12 dBFS.
set -eu
cd "$(dirname "$0")"
RAW="-t raw -e signed -b 16 -c 1 -r 8000"

tone() { # digit-file row-hz column-hz seconds
  sox -D -n $RAW "$1" synth "$4" sine "$2" sine "$3" channels 2 remix 1,2 vol 0.5
}
silence() { # file seconds
  sox -D -n $RAW "$1" trim 0 "$2"
}

# the keypad in order, 100 ms tone + 60 ms silence per digit
i=0
for d in 1:697:1209 2:697:1336 3:697:1477 A:697:1633 4:770:1209 5:770:1336 6:770:1477 B:770:1633 \
         7:852:1209 8:852:1336 9:852:1477 C:852:1633 s:941:1209 0:941:1336 h:941:1477 D:941:1633; do
  row=$(echo $d | cut -d: -f2); col=$(echo $d | cut -d: -f3)
  tone t$i.tmp $row $col 0.1
  silence g$i.tmp 0.06
  i=$((i + 1))
done
cat $(for j in $(seq 0 15); do echo t$j.tmp g$j.tmp; done) > keypad.s16
rm -f t*.tmp g*.tmp

# the same with pink noise at -30 dBFS mixed in (about 20 dB below the tones)
sox -D -R -n $RAW noise.tmp synth 2.56 pinknoise gain -n -30
sox -D -m -v 1 $RAW keypad.s16 -v 1 $RAW noise.tmp $RAW keypad-noisy.s16
rm noise.tmp

# digit 5 for 55 ms, then 20 ms (too short), each followed by 100 ms of silence
tone a.tmp 770 1336 0.055; silence b.tmp 0.1; tone c.tmp 770 1336 0.02
cat a.tmp b.tmp c.tmp b.tmp > short.s16
rm a.tmp b.tmp c.tmp

# a single 1 s digit 9 for the generator comparison
tone nine.s16 852 1477 1
