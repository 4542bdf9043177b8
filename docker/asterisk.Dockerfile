# syntax=docker/dockerfile:1
# The Asterisk beside Accueil, from the SAME recipe as the sandbox
# (scripts/asterisk-sandbox.sh): Debian sid, the packages of
# asterisk/packages.txt, the configuration installed by
# asterisk/install-config.sh, with the "production" overlay (phones register,
# trunk and passwords from the environment, rendered at start by the entrypoint).
#   docker build -f docker/asterisk.Dockerfile -t accueil-asterisk .
# DEBIAN_IMAGE: Debian sid, the official image by default (scripts/images.sh
# builds an equivalent one with mmdebstrap when no registry is reachable).
# test/unit/ops/recipe.test.ts checks this file keeps to that recipe.

ARG DEBIAN_IMAGE=debian:sid
FROM ${DEBIAN_IMAGE}

# A fixed uid/gid for the asterisk user (created before the package, whose
# postinst then reuses it): the daemon's container joins this group to read
# and remove the voicemail recordings on the shared volume.
ARG ASTERISK_UID=950
ARG ASTERISK_GID=950
RUN groupadd --system --gid "${ASTERISK_GID}" asterisk \
 && useradd --system --uid "${ASTERISK_UID}" --gid asterisk --home-dir /var/lib/asterisk \
      --no-create-home --shell /usr/sbin/nologin --comment "Asterisk PBX daemon" asterisk

# The package list is read from the recipe, never copied here. apt's defaults
# (recommends included) as mmdebstrap uses them for the sandbox.
COPY asterisk/packages.txt /tmp/packages.txt
# non-free as in the sandbox: SVOX Pico (libttspico-utils) for text announcements.
RUN sed -i 's/^Components: main$/Components: main non-free/' /etc/apt/sources.list.d/debian.sources \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y $(grep -v '^#' /tmp/packages.txt | sed '/^$/d') \
 && rm -rf /var/lib/apt/lists/* /tmp/packages.txt

# The configuration: the same script as the sandbox, overlay "production".
# The ARI password given here only satisfies the script: the entrypoint
# refuses to start without ARI_PASSWORD and rewrites ari.conf from it.
COPY asterisk/ /opt/accueil/asterisk/
COPY docker/asterisk-entrypoint.sh /usr/local/bin/accueil-asterisk-entrypoint
RUN ARI_USERNAME=accueil ARI_PASSWORD=set-at-start /opt/accueil/asterisk/install-config.sh / production \
 && cd /etc/asterisk \
 && touch pjsip_site.conf pjsip_phones.conf pjsip_trunk.conf \
 && chown asterisk:asterisk ari.conf http_bind.conf pjsip_site.conf pjsip_phones.conf pjsip_trunk.conf \
 && mkdir -p /var/spool/asterisk/recording && chown asterisk:asterisk /var/spool/asterisk/recording \
 && chmod 0755 /usr/local/bin/accueil-asterisk-entrypoint

USER asterisk
# SIP, and the RTP range of asterisk/production/rtp.conf.
EXPOSE 5060/udp 10000-10099/udp
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["/usr/sbin/asterisk", "-rx", "core show uptime"]
ENTRYPOINT ["/usr/local/bin/accueil-asterisk-entrypoint"]
CMD ["/usr/sbin/asterisk", "-f", "-n"]
