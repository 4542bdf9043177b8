# syntax=docker/dockerfile:1
# Accueil, the daemon. Build from the repository root:
#   docker build -f docker/accueil.Dockerfile -t accueil .
# Node 24 LTS here; the code also runs on Node 20 (package.json engines).
# Three stages: compile TypeScript with the dev dependencies, install the
# production dependencies alone, then copy just those two into a clean image.

ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /src
# better-sqlite3 (the call history) is a native addon: its install script fetches a
# prebuilt binary or, where it cannot, compiles it; the compilers stay in this stage.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE}
LABEL org.opencontainers.image.title="accueil" \
      org.opencontainers.image.description="Phone reception daemon attached to Asterisk through ARI"
ENV NODE_ENV=production \
    ACCUEIL_LOG_FORMAT=json \
    ACCUEIL_HTTP_HOST=0.0.0.0 \
    ACCUEIL_HTTP_PORT=9090 \
    ACCUEIL_VOICEMAIL_DIR=/var/lib/accueil/voicemail \
    ACCUEIL_DATA_DIR=/var/lib/accueil/history \
    ACCUEIL_RECORDINGS_DIR=/var/spool/asterisk/recording \
    ACCUEIL_SOUNDS=/var/lib/accueil/sounds
WORKDIR /app
# No src/ in the image: bin/accueil then runs the compiled dist/.
COPY --from=deps /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY package.json ./
COPY bin ./bin
# The image's unprivileged "node" user (uid 1000) owns only the voicemail store and the call history.
RUN mkdir -p /var/lib/accueil/voicemail /var/lib/accueil/history /var/lib/accueil/sounds /etc/accueil/plan \
 && chown node:node /var/lib/accueil/voicemail /var/lib/accueil/history
VOLUME ["/var/lib/accueil/voicemail", "/var/lib/accueil/history"]
USER node
EXPOSE 9090
# Liveness only (readiness, /readyz, also needs ARI: a restart would not bring Asterisk back).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.ACCUEIL_HTTP_PORT||9090)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/accueil"]
CMD ["run", "--plan", "/etc/accueil/plan"]
