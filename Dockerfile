FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY pyproject.toml ./
COPY backend backend
COPY frontend frontend
COPY mobile mobile
COPY guard_kiosk guard_kiosk
COPY portal portal
COPY analytics analytics
COPY bench bench
COPY data data
# Editable, so the app finds node_modules and data beside its sources.
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["domovoy", "serve"]
