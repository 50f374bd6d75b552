#!/usr/bin/env bash
# make-audio.sh DIR - AMD test prompts, 8 kHz mono mu-law (espeak-ng + sox), raw .ul for SIPp's
# rtp_stream. Skips work when DIR already has them (cached with the chroot).
#   human.ul    0.4 s silence, "Hello?", 6 s silence            -> AMD HUMAN
#   machine.ul  0.4 s silence, ~12 s voicemail greeting, beep   -> AMD MACHINE
#   silence.ul  10 s of digital silence (RTP flowing)          -> AMD MACHINE/INITIALSILENCE
set -euo pipefail
dir=$1; mkdir -p "$dir"; cd "$dir"
[ -s human.ul ] && [ -s machine.ul ] && [ -s silence.ul ] && exit 0
say() { espeak-ng -v en-us -s 160 -w "$1.tmp.wav" "$2"; }
sox -n -r 22050 -c 1 sil0.4.tmp.wav trim 0 0.4
sox -n -r 22050 -c 1 sil6.tmp.wav trim 0 6
say hello "Hello?"
sox sil0.4.tmp.wav hello.tmp.wav sil6.tmp.wav -r 8000 -c 1 -e u-law human.wav
say greet "Hi, you have reached the voicemail of John Smith at Example Incorporated. I am not able to take your call right now. Please leave your name, number and a short message after the tone, and I will get back to you as soon as possible. Thank you."
sox -n -r 22050 -c 1 beep.tmp.wav synth 0.5 sine 1000 vol 0.5
sox sil0.4.tmp.wav greet.tmp.wav beep.tmp.wav sil6.tmp.wav -r 8000 -c 1 -e u-law machine.wav
sox -n -r 8000 -c 1 -e u-law silence.wav trim 0 10
for f in human machine silence; do sox "$f.wav" -t ul "$f.ul"; done
rm -f ./*.tmp.wav ./*.wav
