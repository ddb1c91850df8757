using System.Globalization;
using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Wacht.Worker.Ledger;
using Wacht.Worker.Messaging;

namespace Wacht.Worker.Startup;

/// <summary>
/// The worker's first contact with its ledger and its broker, made before the host starts, so that an unreachable
/// database or a refused login stops the start with one line naming the setting to fix, instead of a stack trace from
/// deep inside the host (logged once by the host and once more by the runtime).
/// </summary>
/// <remarks>
/// The ledger check is the ledger's own start-up step (<see cref="ICommandLedger.InitializeAsync"/>: open, create or
/// migrate the schema), which the host repeats as a no-op. The broker check opens one AMQP connection and one channel
/// with the bus's settings and closes them: MassTransit has no way to test its connection before the bus starts, and a
/// bus that fails to start surfaces as a host start-up fault, logged with its stack trace and naming no setting.
/// </remarks>
internal static class ConnectionChecks
{
    /// <summary>How long each check may take before it counts as "no answer".</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>The problems found; empty when the ledger and (for RabbitMQ) the broker answer.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var problems = new List<string>();
        if (await CheckLedgerAsync(services, cancellationToken) is { } ledgerProblem)
        {
            problems.Add(ledgerProblem);
        }

        var messaging = services.GetRequiredService<IOptions<MessagingOptions>>().Value;
        if (messaging.Transport == TransportKind.RabbitMq && await CheckBrokerAsync(messaging.RabbitMq, cancellationToken) is { } brokerProblem)
        {
            problems.Add(brokerProblem);
        }

        return problems;
    }

    private static async Task<string?> CheckLedgerAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<LedgerOptions>>().Value;
        string setting, where;
        if (options.Provider == LedgerProvider.PostgreSql)
        {
            setting = LedgerOptions.SectionPath + (string.IsNullOrWhiteSpace(options.ConnectionString) ? ":ConnectionStringEnvironmentVariable" : ":ConnectionString");
            where = "the PostgreSQL ledger";
        }
        else
        {
            setting = LedgerOptions.SectionPath + ":SqlitePath";
            where = $"the SQLite ledger '{Path.GetFullPath(options.SqlitePath)}'";
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var ledger = services.GetRequiredService<ICommandLedger>();
            if (options.Provider == LedgerProvider.PostgreSql)
            {
                where += $" ({LedgerInitializer.Describe(ledger, options)})";
            }

            await ledger.InitializeAsync(timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"{setting}: {where} did not answer within {Timeout.TotalSeconds:0} s";
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{setting}: {where} cannot be opened ({Reason(exception)})";
        }
    }

    private static async Task<string?> CheckBrokerAsync(RabbitMqOptions options, CancellationToken cancellationToken)
    {
        const string s = MessagingOptions.SectionPath + ":RabbitMq";
        var port = options.Port != 0 ? options.Port : options.UseTls ? 5671 : 5672;
        var factory = new ConnectionFactory
        {
            HostName = options.Host,
            Port = port,
            VirtualHost = options.VirtualHost,
            UserName = options.Username,
            ClientProvidedName = "wacht-worker start-up check",
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(10),
            HandshakeContinuationTimeout = TimeSpan.FromSeconds(10),
        };
        if (options.ResolvePassword() is { } password)
        {
            factory.Password = password;
        }

        if (options.UseTls)
        {
            factory.Ssl = new SslOption
            {
                Enabled = true,
                ServerName = options.TlsServerName ?? options.Host,
                Version = SslProtocols.Tls12 | SslProtocols.Tls13,
            };
        }

        var broker = string.Create(CultureInfo.InvariantCulture, $"the broker at {options.Host}:{port}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await using var connection = await factory.CreateConnectionAsync(timeout.Token);

            // A refused virtual host surfaces only at the first channel (RabbitMQ.Client 7 reports the close then).
            await using (var channel = await connection.CreateChannelAsync(cancellationToken: timeout.Token))
            {
                await channel.CloseAsync(timeout.Token);
            }

            await connection.CloseAsync(timeout.Token);
            return null;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"{s}:Host / {s}:Port: {broker} did not answer within {Timeout.TotalSeconds:0} s";
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            var causes = Causes(exception).ToList();
            if (causes.Any(static e => e is AuthenticationFailureException or PossibleAuthenticationFailureException))
            {
                return $"{s}:Username / {s}:Password (or PasswordEnvironmentVariable): {broker} refused the login of user '{options.Username}' "
                    + $"({Reason(causes.First(static e => e is AuthenticationFailureException or PossibleAuthenticationFailureException))})";
            }

            if (causes.OfType<OperationInterruptedException>().FirstOrDefault(static e => e.ShutdownReason?.ReplyCode == 530) is { } refused)
            {
                return $"{s}:VirtualHost: {broker} refused access to virtual host '{options.VirtualHost}' for user '{options.Username}' "
                    + $"(it does not exist or the user has no permission on it: {refused.ShutdownReason?.ReplyText})";
            }

            if (causes.Any(static e => e is AuthenticationException))
            {
                return $"{s}:UseTls / {s}:TlsServerName: the TLS handshake with {broker} failed ({Reason(causes.First(static e => e is AuthenticationException))})";
            }

            var socket = causes.OfType<SocketException>().FirstOrDefault();
            return $"{s}:Host / {s}:Port: {broker} cannot be reached ({(socket is null ? Reason(exception) : socket.Message)})";
        }
    }

    /// <summary>The exception and its inner exceptions, outermost first.</summary>
    private static IEnumerable<Exception> Causes(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Causes))
                {
                    yield return inner;
                }

                yield break;
            }
        }
    }

    /// <summary>The innermost message that says something, with its exception type; never a connection string.</summary>
    private static string Reason(Exception exception)
    {
        var innermost = Causes(exception).Last();
        var outer = exception.Message;
        return ReferenceEquals(innermost, exception) || string.Equals(innermost.Message, outer, StringComparison.Ordinal)
            ? $"{exception.GetType().Name}: {outer}"
            : $"{exception.GetType().Name}: {outer} {innermost.Message}";
    }
}
