using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Wacht.Worker.TestSupport.Fakes;

/// <summary>
/// Starts a fake vendor API: an ASP.NET Core minimal API on a free loopback port (HTTPS with the given certificate,
/// else plain HTTP), whose connections are aborted without an answer while the unreachable switch says so.
/// </summary>
internal static class FakeHost
{
    public static async Task<(WebApplication App, Uri BaseAddress)> StartAsync(Action<WebApplication> map, Func<bool> unreachable, X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Production });
        builder.WebHost.UseKestrelCore();
        if (certificate is null)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificate = certificate })));
        }

        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.Use(async (context, next) =>
        {
            if (unreachable())
            {
                context.Abort();
                return;
            }

            await next(context);
        });
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
    }

    /// <summary>Waits <paramref name="delay"/> when set; the wait ends (and the request is not applied) when the client gives up.</summary>
    public static Task DelayAsync(TimeSpan? delay, HttpContext context) =>
        delay is { } d ? Task.Delay(d, context.RequestAborted) : Task.CompletedTask;

    public static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }
}
