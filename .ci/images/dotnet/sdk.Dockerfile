# Local stand-in for mcr.microsoft.com/dotnet/sdk:10.0, built by .ci/containers where no image registry is reachable:
# the local aspnet:10.0 stand-in plus the .NET SDK installed on this machine (sdk/, sdk-manifests/, packs/, templates/),
# as the official SDK image is the ASP.NET Core runtime image plus the SDK. The build context (.ci/containers makes it)
# holds rootfs/usr/share/dotnet and ca-certificates/: the certificate authorities this machine adds to its trust
# store (/usr/local/share/ca-certificates), so that `dotnet restore` in a build trusts what this machine trusts (here
# NuGet is reached through a TLS-inspecting proxy); NUGET_CERT_REVOCATION_MODE comes from this machine likewise.
# Builds that restore packages need `docker build --network host` here (the engine has no NAT: containers reach
# nothing outside this machine). The CLI's usage telemetry is off: nothing phones home.
ARG DOTNET_TAG=10.0
FROM mcr.microsoft.com/dotnet/aspnet:$DOTNET_TAG
ARG DOTNET_SDK_VERSION
ARG NUGET_CERT_REVOCATION_MODE=
ENV DOTNET_SDK_VERSION=$DOTNET_SDK_VERSION \
    DOTNET_GENERATE_ASPNET_CERTIFICATE=false \
    DOTNET_NOLOGO=true \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_USE_POLLING_FILE_WATCHER=true \
    NUGET_XMLDOC_MODE=skip \
    NUGET_CERT_REVOCATION_MODE=$NUGET_CERT_REVOCATION_MODE
COPY ca-certificates/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null
COPY rootfs/ /
