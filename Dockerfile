# The LMT API, for docker-compose.yml (which points it at Neo4j with NEO4J_URI).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY graph_schema ./graph_schema
COPY tracker ./tracker
COPY api ./api
COPY analytics ./analytics
COPY lmt ./lmt
RUN pip install . && rm -rf /src

# API keys and the audit log live in $LMT_STATE when the graph is in Neo4j: a volume.
RUN useradd --system --uid 10001 --create-home --home-dir /var/lib/lmt lmt \
    && mkdir -p /var/lib/lmt/state && chown -R lmt /var/lib/lmt
USER lmt
WORKDIR /var/lib/lmt
ENV LMT_STATE=/var/lib/lmt/state

EXPOSE 8000
CMD ["lmt", "serve", "--host", "0.0.0.0", "--port", "8000"]
