# The bot as an image: Python slim, a non-root user, the SQLite file and backups on the /data volume.
# Build: docker build --build-arg VERSION="$(git describe --tags --always)" -t alliance-bot .
# Secrets (BOT_TOKEN, WEBHOOK_SECRET, a database password) come from the environment at run time, never the image.

FROM python:3.11-slim AS build
# .git is not in the build context (see .dockerignore), so setuptools-scm is told the version.
ARG VERSION=0.0.0
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SETUPTOOLS_SCM_PRETEND_VERSION=${VERSION}
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY domain ./domain
COPY handlers ./handlers
COPY storage ./storage
COPY local_telegram ./local_telegram
COPY playground ./playground
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-cache-dir ".[postgres]"

FROM python:3.11-slim
ARG VERSION=0.0.0
LABEL org.opencontainers.image.title="alliance-news-bot" \
      org.opencontainers.image.description="Telegram bot of the low-carbon technology alliance: news, answers, broadcasts" \
      org.opencontainers.image.version="${VERSION}"
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MPLCONFIGDIR=/tmp/matplotlib \
    DATABASE_URL=sqlite+aiosqlite:////data/bot.sqlite3 \
    BACKUP_DIR=/data/backups \
    HEALTH_PORT=8081 \
    HEALTH_HOST=0.0.0.0
RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin bot \
    && mkdir -p /data/backups \
    && chown -R bot:bot /data
COPY --from=build /opt/venv /opt/venv
WORKDIR /data
USER 10001:10001
VOLUME ["/data"]
# 8080: the webhook server (WEBHOOK_URL set); 8081: /healthz and /metrics.
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "healthcheck"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
