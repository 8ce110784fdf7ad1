# The trainproof daemon. Build: docker build -t trainproof .   (see docs/deploy.md)
FROM node:20-slim

WORKDIR /app
# Production dependencies only. --ignore-scripts: the postinstall prepares the extension build (a dev
# tool); tsx's esbuild binary comes as an optional dependency and needs no install script.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY daemon ./daemon
COPY shared ./shared

# Listens on every interface of the container; the daemon refuses to start on plain HTTP there
# unless TRAINPROOF_TLS_CERT/_KEY are mounted or TRAINPROOF_PUBLIC_URL is https:// (TLS at a proxy).
ENV NODE_ENV=production \
    TRAINPROOF_HOST=0.0.0.0 \
    TRAINPROOF_PORT=7878 \
    TRAINPROOF_DATA_DIR=/data
RUN mkdir -m 0700 /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 7878
STOPSIGNAL SIGTERM
CMD ["node_modules/.bin/tsx", "daemon/main.ts"]
