# CoachMaster application image: the web process (gunicorn), the Celery worker and Celery beat
# all run from it; docker-compose.yml chooses the command. Build with `docker compose build`.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Pango (WeasyPrint's layout engine), gettext (compilemessages) and a font for the PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 gettext fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The processes run as this unprivileged user; the code itself stays owned by root.
RUN groupadd --system --gid 1000 coachmaster \
    && useradd --system --uid 1000 --gid coachmaster --no-create-home \
        --home-dir /app --shell /usr/sbin/nologin coachmaster

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them. Every package is pinned
# with its hashes in the lock file; pip refuses anything else.
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes -r requirements/base.txt

COPY . .

# Where things live inside the container (docker-compose.yml mounts volumes on var/).
ENV DJANGO_SETTINGS_MODULE=coachmaster.settings \
    VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media \
    STATIC_ROOT=/app/staticfiles \
    STATIC_MANIFEST=1 \
    WEB_CONCURRENCY=3

# Translations and static files are part of the image. Both commands only read settings, so a
# throwaway secret is enough here; the real one comes from the environment at run time.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py compilemessages --verbosity 0 \
    && DJANGO_SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --no-input --verbosity 0 \
    && mkdir -p /app/var/media /app/var/beat \
    && chown -R coachmaster:coachmaster /app/var

USER coachmaster

EXPOSE 8000

# Workers: WEB_CONCURRENCY (gunicorn reads it; 3 by default). Requests that take longer than
# 60 s are cut off: slow work (PDFs, digests) belongs in the Celery worker.
CMD ["gunicorn", "coachmaster.wsgi:application", \
     "--bind=0.0.0.0:8000", \
     "--timeout=60", \
     "--graceful-timeout=30", \
     "--keep-alive=5", \
     "--max-requests=1000", \
     "--max-requests-jitter=100", \
     "--worker-tmp-dir=/dev/shm", \
     "--access-logfile=-", \
     "--error-logfile=-"]
