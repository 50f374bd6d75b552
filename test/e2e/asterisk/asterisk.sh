#!/usr/bin/env bash
# asterisk.sh {start|stop|restart|kill|status} - the real Asterisk 22 (Debian sid's package) that
# the e2e suite drives, in a debootstrapped chroot cached outside the repository.
#
#   cache   ${DIALERD_AST_CACHE:-/var/cache/dialerd-asterisk}/sid   (~440 MB; built once, ~45 s)
#   run     $CACHE/run/{asterisk.pid,asterisk.out}
#   ARI     http://127.0.0.1:${HTTP_PORT:-18088}/ari   user dialer / dialerpw
#   SIP     udp 127.0.0.1:${SIP_PORT:-15060}; endpoint "carrier" -> sip:127.0.0.1:${TRUNK_PORT:-15070}
#
# The configs are the repository's own: docker/asterisk/*.conf -> /etc/asterisk/, and
# dialplan/asterisk/*.conf -> /etc/asterisk/dialerd/. Only ports change, by this sed list:
#   http.conf   bindport=8088                  -> bindport=$HTTP_PORT
#   pjsip.conf  bind=127.0.0.1:5060            -> bind=127.0.0.1:$SIP_PORT
#   pjsip.conf  contact=sip:127.0.0.1:5070     -> contact=sip:127.0.0.1:$TRUNK_PORT
#   rtp.conf    rtpstart=10000 / rtpend=10999  -> $RTP_START / $RTP_END
# Needs root. Network: the host's own Debian mirror, only while building the cache.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${DIALERD_AST_CACHE:-/var/cache/dialerd-asterisk}
CHROOT=$CACHE/sid
RUN=$CACHE/run
PIDFILE=$RUN/asterisk.pid
HTTP_PORT=${HTTP_PORT:-18088}
SIP_PORT=${SIP_PORT:-15060}
TRUNK_PORT=${TRUNK_PORT:-15070}
RTP_START=${RTP_START:-31000}
RTP_END=${RTP_END:-31999}
AST_PKGS="asterisk asterisk-modules asterisk-core-sounds-en"
log() { printf '[asterisk.sh %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
[ "$(id -u)" = 0 ] || { echo "asterisk.sh must run as root" >&2; exit 1; }
mkdir -p "$CACHE" "$RUN"

host_mirror() {
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}'; } | grep -vE 'security|updates' | head -1 || true; }

need_host_tools() {
  local need=()
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v curl >/dev/null || need+=(curl)
  command -v sipp >/dev/null || need+=(sip-tester)
  command -v espeak-ng >/dev/null || need+=(espeak-ng)
  command -v sox >/dev/null || need+=(sox)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing host packages: ${need[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
  fi
}

mount_chroot() {
  mountpoint -q "$CHROOT/proc" || mount -t proc proc "$CHROOT/proc"
  mountpoint -q "$CHROOT/dev/pts" || mount --bind /dev/pts "$CHROOT/dev/pts"
}

build_chroot() {
  if [ ! -x "$CHROOT/usr/bin/apt-get" ]; then
    if [ -e "$CHROOT" ]; then
      log "removing incomplete chroot $CHROOT"
      for m in dev/pts proc; do mountpoint -q "$CHROOT/$m" && umount "$CHROOT/$m"; done
      rm -rf --one-file-system "$CHROOT"
    fi
    log "debootstrap --variant=minbase sid $CHROOT"
    debootstrap --variant=minbase sid "$CHROOT" "${MIRROR:-$(host_mirror)}" > "$RUN/debootstrap.log" 2>&1 \
      || { tail -20 "$RUN/debootstrap.log" >&2; exit 1; }
  fi
  if [ ! -x "$CHROOT/usr/sbin/asterisk" ]; then
    echo 'Acquire::Check-Valid-Until "false";' > "$CHROOT/etc/apt/apt.conf.d/99no-valid-until"
    printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' > "$CHROOT/etc/apt/apt.conf.d/99norecommends"
    printf '#!/bin/sh\nexit 101\n' > "$CHROOT/usr/sbin/policy-rc.d"; chmod +x "$CHROOT/usr/sbin/policy-rc.d"
    cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf"
    mount_chroot
    log "apt-get install $AST_PKGS (in chroot)"
    { chroot "$CHROOT" apt-get update -q &&
      chroot "$CHROOT" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $AST_PKGS &&
      chroot "$CHROOT" apt-get clean; } > "$RUN/apt-install.log" 2>&1 \
      || { tail -30 "$RUN/apt-install.log" >&2; exit 1; }
    [ -d "$CHROOT/etc/asterisk.dist" ] || cp -a "$CHROOT/etc/asterisk" "$CHROOT/etc/asterisk.dist"
  fi
  mount_chroot
  # nothing in the chroot needs the outside once installed; all addresses are literal
  echo 'nameserver 127.0.0.1' > "$CHROOT/etc/resolv.conf"
}

install_configs() {
  local etc=$CHROOT/etc/asterisk
  find "$etc" -mindepth 1 -delete
  cp "$CHROOT/etc/asterisk.dist/asterisk.conf" "$CHROOT/etc/asterisk.dist/amd.conf" "$etc/"
  for f in stasis.conf indications.conf codecs.conf; do
    [ -f "$CHROOT/etc/asterisk.dist/$f" ] && cp "$CHROOT/etc/asterisk.dist/$f" "$etc/"
  done
  cp "$REPO"/docker/asterisk/*.conf "$etc/"
  mkdir -p "$etc/dialerd" && cp "$REPO"/dialplan/asterisk/*.conf "$etc/dialerd/"
  sed -i "s/^bindport=8088\$/bindport=$HTTP_PORT/" "$etc/http.conf"
  sed -i -e "s/^bind=127.0.0.1:5060\$/bind=127.0.0.1:$SIP_PORT/" \
         -e "s/^contact=sip:127.0.0.1:5070\$/contact=sip:127.0.0.1:$TRUNK_PORT/" "$etc/pjsip.conf"
  sed -i -e "s/^rtpstart=.*/rtpstart=$RTP_START/" -e "s/^rtpend=.*/rtpend=$RTP_END/" "$etc/rtp.conf"
  # empty stubs: silence "Unable to load config file" on every (re)load
  for f in pjsip_wizard.conf geolocation.conf websocket_client.conf ccss.conf cel.conf features.conf \
           acl.conf udptl.conf pjproject.conf musiconhold.conf res_http_media_cache.conf cli_aliases.conf queues.conf; do
    [ -f "$etc/$f" ] || : > "$etc/$f"
  done
  mkdir -p "$CHROOT/run/asterisk"
  chroot "$CHROOT" chown -R asterisk:asterisk /etc/asterisk /run/asterisk /var/log/asterisk /var/lib/asterisk \
    /var/spool/asterisk /var/cache/asterisk
}

ari_up() { curl -fsS -m 2 -u dialer:dialerpw "http://127.0.0.1:${HTTP_PORT}/ari/asterisk/info" >/dev/null 2>&1; }
running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

start() {
  need_host_tools
  build_chroot
  if running; then log "asterisk already running (pid $(cat "$PIDFILE"))"; return 0; fi
  install_configs
  setsid chroot "$CHROOT" /usr/sbin/asterisk -f -n -U asterisk -G asterisk -vvv > "$RUN/asterisk.out" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 300); do
    ari_up && break
    running || { tail -30 "$RUN/asterisk.out" >&2; log "asterisk died"; exit 1; }
    sleep 0.1
  done
  ari_up || { tail -30 "$RUN/asterisk.out" >&2; log "ARI not ready after 30 s"; exit 1; }
  for _ in $(seq 1 100); do chroot "$CHROOT" asterisk -rx 'core waitfullybooted' >/dev/null 2>&1 && break; sleep 0.1; done
  log "asterisk up (pid $(cat "$PIDFILE")), ARI on 127.0.0.1:$HTTP_PORT"
}

# stop: graceful, then by PID only. kill: SIGKILL at once (the crash test).
stop() {
  if running; then
    local pid; pid=$(cat "$PIDFILE")
    if [ "${1:-}" = kill ]; then kill -9 "$pid"
    # The remote console is bounded: one left waiting on a busy Asterisk could reconnect to the next
    # one started and deliver its `core stop` there.
    else timeout -s KILL 10 chroot "$CHROOT" asterisk -rx 'core stop now' >/dev/null 2>&1 || kill "$pid" 2>/dev/null; fi
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    log "asterisk (pid $pid) stopped"
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  start) start ;;
  stop) stop; [ "${2:-}" = --umount ] && for m in dev/pts proc; do mountpoint -q "$CHROOT/$m" && umount "$CHROOT/$m"; done; true ;;
  kill) stop kill ;;
  restart) stop; start ;;
  status) running && echo "running pid $(cat "$PIDFILE")" || { echo "not running"; exit 3; } ;;
  cli) shift; chroot "$CHROOT" asterisk -rx "$*" ;;
  *) echo "usage: $0 {start|stop [--umount]|kill|restart|status|cli CMD}" >&2; exit 2 ;;
esac
