# Production-like image for docker-compose.yml: gunicorn serves the app and
# WhiteNoise serves the collected static files (no CDN; city networks are closed).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    DXPLAN_VAR_DIR=/var/lib/dxplan DJANGO_STATIC_ROOT=/app/staticfiles

# libreoffice-calc-nogui + fonts: the report's PDF (reports/pdf.py); Carlito keeps Calibri's
# column widths, so the PDF prints at the scale the workbook was laid out for.
RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
       libreoffice-calc-nogui fonts-noto-cjk fonts-crosextra-carlito \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /home/dxplan dxplan \
    && mkdir -p /var/lib/dxplan/media && chown -R dxplan /var/lib/dxplan

WORKDIR /app
COPY pyproject.toml README.md ./
COPY dxplan dxplan
COPY plans plans
COPY kpis kpis
COPY projects projects
COPY reports reports
RUN pip install .
COPY . .
# collectstatic needs settings that import cleanly; the values are build-time only.
RUN DXPLAN_PROFILE=production DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build \
    python manage.py collectstatic --noinput

USER dxplan
EXPOSE 8000
CMD ["gunicorn", "dxplan.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
