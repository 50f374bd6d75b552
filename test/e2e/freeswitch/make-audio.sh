#!/usr/bin/env bash
# make-audio.sh DIR - mod_avmd test prompts, 8 kHz mono mu-law raw (.ul) for SIPp's rtp_stream
# (espeak-ng + sox). Skips work when DIR already has them (cached with FreeSWITCH).
#   voicemail.ul  0.4 s silence, a short voicemail greeting, a 1 s 1000 Hz beep, 5 s silence -> avmd beep
#   speech.ul     0.4 s silence, a person talking ("Hello? ..."), 8 s silence               -> no beep
set -euo pipefail
dir=$1; mkdir -p "$dir"; cd "$dir"
[ -s voicemail.ul ] && [ -s speech.ul ] && exit 0
say() { espeak-ng -v en-us -s 160 -w "$1.tmp.wav" "$2"; }
sox -n -r 22050 -c 1 sil0.4.tmp.wav trim 0 0.4
sox -n -r 22050 -c 1 sil5.tmp.wav trim 0 5
sox -n -r 22050 -c 1 sil8.tmp.wav trim 0 8
say greet "Hi, you have reached John Smith. Please leave a message after the tone."
sox -n -r 22050 -c 1 beep.tmp.wav synth 1 sine 1000 vol 0.5
sox sil0.4.tmp.wav greet.tmp.wav beep.tmp.wav sil5.tmp.wav -r 8000 -c 1 -e u-law -t ul voicemail.ul
say hello "Hello? Yes, this is John speaking. Who is calling, please?"
sox sil0.4.tmp.wav hello.tmp.wav sil8.tmp.wav -r 8000 -c 1 -e u-law -t ul speech.ul
rm -f ./*.tmp.wav
