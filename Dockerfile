# Multi-stage image: the first stage builds a wheel and a virtual environment from the
# lock file; the second carries only that environment and runs as a non-root user.
#   docker build -t competenze .
#   docker run -p 8000:8000 -e COMPETENZE_DATABASE_URL=postgresql://user@db/competenze \
#     -e COMPETENZE_ENVIRONMENT=production -e COMPETENZE_ISSUER=https://competenze.example \
#     -e COMPETENZE_SIGNING_KEY_PEM="$(cat key.pem)" competenze

FROM python:3.11-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
COPY requirements/run.lock requirements/run.lock
RUN /opt/venv/bin/pip install --no-cache-dir -r requirements/run.lock
COPY pyproject.toml README.md ./
COPY src src
COPY templates templates
COPY migrations migrations
# The wheel carries templates/ and migrations/ inside the package (see pyproject.toml).
RUN /opt/venv/bin/pip wheel --no-deps -w /wheels . \
    && /opt/venv/bin/pip install --no-cache-dir --no-deps /wheels/*.whl

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 competenze
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    COMPETENZE_KEYS_DIR=/home/competenze/keys
USER competenze
WORKDIR /home/competenze
EXPOSE 8000
# Migrations first (idempotent), then the server; the database comes from
# COMPETENZE_DATABASE_URL, the signing key from COMPETENZE_SIGNING_KEY_PEM or a mounted
# COMPETENZE_KEYS_DIR.
CMD ["sh", "-c", "competenze migrate && exec competenze serve --host 0.0.0.0 --port 8000"]
