# The WeGO Article 17 tracker: one image for the web app, the Celery worker and beat.

# Front-end packages (KRDS, htmx) from npm, copied to static/vendor by bin/vendor-static.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
COPY bin/vendor-static bin/vendor-static
COPY static static
RUN bin/vendor-static

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    WEGO_VAR_DIR=/app/var

# Pango/HarfBuzz for WeasyPrint PDFs, NanumGothic for Korean text, gettext for the
# translations, curl and procps for the health checks. (Uploads are checked by their
# structure in compliance/filecheck/, not by libmagic.)
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-nanum gettext curl procps \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
COPY --from=assets /app/static/vendor static/vendor
# WEGO_PRODUCTION=1 so collectstatic writes whitenoise's compressed manifest.
RUN export WEGO_PRODUCTION=1 SECRET_KEY=build-only \
    && python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0 \
    && python manage.py collectstatic --no-input -v 0

RUN useradd --create-home --uid 1000 wego && mkdir -p /app/var/private /app/var/audit-heads /app/var/import-pending && chown -R wego /app/var
USER wego

EXPOSE 8000
# Worker model, bind address and access log: gunicorn.conf.py (read from /app).
CMD ["gunicorn", "wego_tracker.wsgi:application"]
