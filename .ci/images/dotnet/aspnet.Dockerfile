# Local stand-in for mcr.microsoft.com/dotnet/aspnet:10.0, built by .ci/containers where no image registry is reachable:
# the .NET and ASP.NET Core runtimes installed on this machine, copied onto the Debian base (which carries the runtime's
# native dependencies: ICU, OpenSSL, zlib, CA certificates, time zones), with what the official image gives the
# Dockerfiles built on it: the non-root user "app" whose uid is in APP_UID (1654), ASPNETCORE_HTTP_PORTS=8080,
# DOTNET_RUNNING_IN_CONTAINER and `dotnet` on the PATH. The build context (.ci/containers makes it) holds rootfs/:
# usr/share/dotnet (dotnet, host/, shared/) and the usr/bin/dotnet link.
FROM wacht-local/debian:bookworm
ARG DOTNET_VERSION
ARG ASPNET_VERSION
ENV APP_UID=1654 \
    ASPNETCORE_HTTP_PORTS=8080 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_VERSION=$DOTNET_VERSION \
    ASPNET_VERSION=$ASPNET_VERSION
RUN groupadd --gid=$APP_UID app \
 && useradd --no-log-init --uid=$APP_UID --gid=$APP_UID --create-home app
COPY rootfs/ /
