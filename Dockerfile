# syntax=docker/dockerfile:1
# Accueil, the daemon. Build from the repository root:
#   docker build -t accueil .          (or: podman build -t accueil .)
# Node 24 LTS. NODE_IMAGE is any Debian-based image with node 24 and npm and a
# "node" user (uid 1000): the official node image by default; scripts/images.sh
# builds one from Debian's own nodejs when no registry is reachable.
# Stages: a toolchain for native addons, TypeScript compiled with the dev
# dependencies, the production dependencies alone, then a clean image with
# just those two and the packages of docker/accueil-packages.txt.

ARG NODE_IMAGE=node:24-bookworm-slim

# Native addons (node-gyp) compile here, never in the final image.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

FROM toolchain AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/build.js ./scripts/
RUN npm run build

FROM toolchain AS deps
WORKDIR /src
# better-sqlite3 (the call history) is a native addon: the toolchain stage compiles
# it where no prebuilt binary can be fetched; the compilers stay out of the final image.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="accueil" \
      org.opencontainers.image.description="Phone reception daemon attached to Asterisk through ARI"
# The programs the daemon runs (the offline voices of text announcements): one
# package a line in docker/accueil-packages.txt; non-free for SVOX Pico.
COPY docker/accueil-packages.txt /tmp/packages.txt
RUN sed -i 's/^Components: main$/Components: main non-free/' /etc/apt/sources.list.d/debian.sources \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $(grep -v '^#' /tmp/packages.txt | sed '/^$/d') \
 && rm -rf /var/lib/apt/lists/* /tmp/packages.txt
ENV NODE_ENV=production \
    ACCUEIL_LOG_FORMAT=json \
    ACCUEIL_HTTP_HOST=0.0.0.0 \
    ACCUEIL_HTTP_PORT=9090 \
    ACCUEIL_VOICEMAIL_DIR=/var/lib/accueil/voicemail \
    ACCUEIL_DATA_DIR=/var/lib/accueil/history \
    ACCUEIL_RECORDINGS_DIR=/var/spool/asterisk/recording \
    ACCUEIL_SOUNDS=/var/lib/accueil/sounds \
    ACCUEIL_SPEECH_DIR=/var/lib/accueil/speech
WORKDIR /app
# No src/ in the image: bin/accueil then runs the compiled dist/.
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# The image's unprivileged "node" user (uid 1000) owns only the voicemail store, the call
# history and the spoken texts it renders (shared with Asterisk, docs/sounds.md).
RUN mkdir -p /var/lib/accueil/voicemail /var/lib/accueil/history /var/lib/accueil/speech /var/lib/accueil/sounds /etc/accueil/plan \
 && chown node:node /var/lib/accueil/voicemail /var/lib/accueil/history /var/lib/accueil/speech
VOLUME ["/var/lib/accueil/voicemail", "/var/lib/accueil/history", "/var/lib/accueil/speech"]
USER node
EXPOSE 9090
# Liveness only (readiness, /readyz, also needs ARI: a restart would not bring Asterisk back).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ACCUEIL_HTTP_PORT||9090)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/accueil"]
CMD ["run", "--plan", "/etc/accueil/plan"]
