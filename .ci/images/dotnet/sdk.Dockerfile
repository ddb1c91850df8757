# Local stand-in for mcr.microsoft.com/dotnet/sdk:10.0, built by .ci/containers where no image registry is reachable:
# the local aspnet:10.0 stand-in plus the .NET SDK installed on this machine (sdk/, sdk-manifests/, packs/, templates/),
# as the official SDK image is the ASP.NET Core runtime image plus the SDK. Builds that restore packages need
# `docker build --network host` here (the engine has no NAT: containers reach nothing outside this machine).
# The CLI's usage telemetry is off: nothing phones home, and nothing outside could answer.
ARG DOTNET_VERSION=10.0
FROM mcr.microsoft.com/dotnet/aspnet:$DOTNET_VERSION
ARG DOTNET_SDK_VERSION
ENV DOTNET_SDK_VERSION=$DOTNET_SDK_VERSION \
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false \
    DOTNET_NOLOGO=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    NUGET_XMLDOC_MODE=skip
COPY rootfs/ /
