# HaloIlertGateway: multi-stage build, runs as the image's non-root "app" user.
# Build:  docker build -t haloilertgateway .
# Run:    docker run -p 127.0.0.1:8080:8080 -v "$PWD/proxy.json:/config/proxy.json:ro" -v "$PWD/transforms:/app/transforms:ro" \
#           -v gateway-data:/app/data -e Gateway__ProxyConfigFile=/config/proxy.json haloilertgateway
#         (with TLS in front: docs/deployment.md)
# proxy.json and transforms/ ship inside the image as defaults; mount your own over them (see docs/deployment.md "Docker").

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# ReadyToRun for the image's architecture: precompiled code, so a new container is ready sooner and its first alert is
# not slowed by the JIT (bench/cold-start.sh measures it against the plain publish).
ARG TARGETARCH
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY gateway/HaloIlertGateway.csproj gateway/
RUN dotnet restore gateway/HaloIlertGateway.csproj --arch "$TARGETARCH" -p:PublishReadyToRun=true
COPY proxy.json ./
COPY transforms/ transforms/
COPY gateway/ gateway/
RUN dotnet publish gateway/HaloIlertGateway.csproj --configuration Release --arch "$TARGETARCH" --self-contained false \
      -p:PublishReadyToRun=true --no-restore --output /app
RUN mkdir -p /data

# Chiseled: no shell, no package manager, non-root by default; "-extra" keeps ICU and time zones, which transforms use
# (String.prototype.normalize, toLocaleString, dates).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled-extra AS runtime
WORKDIR /app
COPY --from=build /app ./
# The outbox (durable delivery) lives in /app/data: writable by the app user, a volume so it outlives the container.
COPY --from=build --chown=$APP_UID:$APP_UID /data /app/data
VOLUME /app/data
# The public port is the base image's ASPNETCORE_HTTP_PORTS (8080). The health check is the gateway's own (the image
# has no curl): readiness on the management port, found from Gateway__Management__Urls, with the read-only token.
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s CMD ["dotnet", "HaloIlertGateway.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "HaloIlertGateway.dll"]
