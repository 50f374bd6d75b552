#!/bin/sh
# Writes /etc/asterisk/ari.conf from the mounted template (docker/asterisk/ari.conf) with the ARI
# password from the environment, the variable dialerd's password_env names too, so the password
# of a deployment is never the example's. Then runs Asterisk in the foreground.
set -eu
case "${DIALERD_ARI_PASSWORD:-}" in
  '') echo "dialerd-asterisk: DIALERD_ARI_PASSWORD is not set" >&2; exit 1 ;;
  # it goes into a sed replacement and ari.conf: keep it to characters safe in both
  *[!A-Za-z0-9_.-]*) echo "dialerd-asterisk: DIALERD_ARI_PASSWORD: letters, digits, _ . - only (openssl rand -hex 32)" >&2; exit 1 ;;
esac
sed "s/^password=.*/password=${DIALERD_ARI_PASSWORD}/" /etc/dialerd-asterisk/ari.conf > /etc/asterisk/ari.conf
exec /usr/sbin/asterisk -f -n -vvv
