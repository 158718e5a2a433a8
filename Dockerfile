# syntax=docker/dockerfile:1
# CareerBot: the Discord bot, its knowledge base and nothing else.
#
#   docker build -t careerbot .
#   docker run -d --name careerbot -e DISCORD_TOKEN=... -v careerbot-data:/data careerbot
#
# The base is pinned by exact tag and digest so a rebuild gets the same Python and
# Debian. To move to a newer patch release, update both together:
#   docker buildx imagetools inspect python:3.11.<patch>-slim-bookworm
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# A fixed numeric id, so orchestrators can verify "not root" without reading /etc/passwd.
RUN groupadd --system --gid 10001 careerbot \
    && useradd --system --uid 10001 --gid careerbot --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin careerbot \
    && mkdir /data \
    && chown careerbot:careerbot /data

# Install from the project's own metadata (pyproject.toml). The KB is copied with the
# code because the wheel carries it as bot/_knowledge; the source tree is deleted
# afterwards, so the image runs exactly what was installed. The postgres extra is
# included so the same image can share a PostgreSQL database (CAREERBOT_DATABASE_URL,
# compose.yaml); without that variable it still uses SQLite on /data. The charts extra
# (matplotlib) draws the salary and career-ladder pictures; its font cache is built
# here, in a directory the bot's user owns, so the first chart does not build it.
ENV MPLCONFIGDIR=/opt/matplotlib
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip install --no-cache-dir ".[postgres,charts]" \
    && cd / \
    && rm -rf /src \
    && python -c "import matplotlib.font_manager" \
    && chown -R careerbot:careerbot /opt/matplotlib

WORKDIR /data
VOLUME /data
# Not secrets: where the database and the heartbeat live. The token comes from
# `docker run -e DISCORD_TOKEN=...` at run time and is never baked into the image.
# Metrics (only with CAREERBOT_METRICS_PORT) listen on every interface of the
# container: its loopback cannot be scraped from outside; publish the port to choose
# who can reach it.
ENV CAREERBOT_DB=/data/careerbot.sqlite3 \
    CAREERBOT_HEARTBEAT_FILE=/data/heartbeat \
    CAREERBOT_METRICS_HOST=0.0.0.0

USER 10001:10001

# KB loads, database writable, gateway heartbeat fresh. start-period covers login.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["careerbot", "health"]

CMD ["careerbot", "run"]
