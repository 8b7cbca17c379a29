# The actorgraph app image used by docker-compose.yml.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml README.md requirements.lock ./
COPY graph ./graph
COPY ingest ./ingest
COPY queries ./queries
COPY ui ./ui
RUN pip install --no-cache-dir -c requirements.lock . && useradd --create-home --uid 10001 actorgraph
USER actorgraph
EXPOSE 8501
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health')"
CMD ["actorgraph", "ui"]
