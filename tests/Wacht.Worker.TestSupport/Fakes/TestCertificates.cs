using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Wacht.Worker.TestSupport.Fakes;

/// <summary>Self-signed server certificates for the HTTPS fakes, made per test (never trusted by the machine).</summary>
public static class TestCertificates
{
    /// <summary>A certificate for <c>127.0.0.1</c> and <c>localhost</c>, valid for a day.</summary>
    public static X509Certificate2 CreateLoopback()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=wacht-test-fake", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        // Re-imported so that the private key is usable by the TLS stack on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A handler that trusts exactly <paramref name="certificate"/> (and nothing else): for tests only.</summary>
    public static HttpClientHandler TrustOnly(X509Certificate2 certificate)
    {
        var expected = certificate.RawData;
        return new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented is not null && presented.RawData.AsSpan().SequenceEqual(expected),
        };
    }
}
