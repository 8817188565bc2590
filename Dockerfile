# Linli: a slim image that runs as a non-root user; configure it with environment variables only
# (LINLI_ENV=production, LINLI_SECRET_KEY, DATABASE_URL=postgres://..., REDIS_URL=redis://...).
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY graphql_api graphql_api
COPY resolvers resolvers
COPY models models
COPY matching matching
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 LINLI_ENV=production
RUN useradd --create-home --uid 10001 linli
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER linli
WORKDIR /home/linli
EXPOSE 8000
# Apply migrations once, then serve with as many workers as WEB_CONCURRENCY says (default 2).
CMD ["sh", "-c", "linli migrate && exec uvicorn graphql_api.main:app --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2} --proxy-headers"]
