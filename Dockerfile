# syntax=docker/dockerfile:1
# The service's container image. Three stages: the npm packages the web chat serves, the same
# self-contained publish that scripts/check-publish.sh starts and checks (scripts/publish.sh), and a
# small runtime image (no .NET runtime or SDK: the publish carries its own) running as a non-root user.
#   docker build -t patientcontact .
#   docker run -p 8080:8080 --env-file patientcontact.env -v pc-data:/data patientcontact
# See docs/deployment.md, "The container build", for the settings and what was run where.

FROM node:20-bookworm-slim AS npm
WORKDIR /src
COPY package.json package-lock.json ./
# Only the packages the service serves (Web Chat, NHS.UK frontend); the test peers are dev dependencies.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src
COPY . .
COPY --from=npm /src/node_modules ./node_modules
RUN PUBLISH_RUNTIME="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" bash scripts/publish.sh /app

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
WORKDIR /app
# Owned by root, so the service cannot change its own files or rules; it writes only under /data.
COPY --from=build /app ./
RUN mkdir /data && chown "$APP_UID" /data
USER $APP_UID
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Storage__Sqlite__Path=/data/patientcontact.db
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["./PatientContact.Conversation"]
