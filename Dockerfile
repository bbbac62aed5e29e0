# Production image: gunicorn + whitenoise for web; the same image runs the worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# The Debian packages of `kq.py run` (RUN_PACKAGES in kq.py, which says why each is needed;
# tests/test_deployment.py keeps the two lists equal).
RUN apt-get update && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-arphic-ukai \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
# The versions of requirements/lock.txt (the runtime ones: the lock only constrains, the image
# installs no dev or embedded extra).
RUN pip install -c requirements/lock.txt . && DJANGO_SECRET_KEY=build DATABASE_URL=postgresql://x@localhost/x \
      python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 kuoquan && mkdir -p /app/var/media && chown -R kuoquan /app/var
USER kuoquan
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
