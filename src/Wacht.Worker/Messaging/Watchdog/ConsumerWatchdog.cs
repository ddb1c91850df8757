using System.Net.Sockets;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Wacht.Worker.Health;
using Wacht.Worker.Hosting;

namespace Wacht.Worker.Messaging.Watchdog;

/// <summary>
/// Looks at the command endpoints every <see cref="ConsumerWatchdogOptions.CheckInterval"/>; when one has had no consumer
/// for <see cref="ConsumerWatchdogOptions.RestartAfter"/> while the broker answers, restarts the bus (MassTransit 8 can
/// stop and start a bus), and when that did not help, stops the process with <see cref="HostExitCode.ConsumersLost"/> so
/// its supervisor (Kubernetes, systemd, compose) starts a fresh one. Decisions: <see cref="WatchdogPolicy"/>.
/// </summary>
internal sealed class ConsumerWatchdog(
    IBusControl bus,
    IOptions<ConsumerWatchdogOptions> options,
    IOptions<MessagingOptions> messaging,
    IHostApplicationLifetime lifetime,
    HostExitCode exitCode,
    TimeProvider time,
    ILogger<ConsumerWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.CheckInterval, time);
        var state = WatchdogState.Healthy;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var notConsuming = CommandEndpointsHealthCheck.NotConsuming(bus.CheckHealth());
                var brokerAnswers = notConsuming.Count > 0 && await ProbeBrokerAsync(stoppingToken);
                var (next, action) = WatchdogPolicy.Decide(state, time.GetUtcNow(), notConsuming.Count, brokerAnswers, settings.RestartAfter);
                var queues = string.Join(", ", notConsuming);
                if (next.UnhealthySince is not null && state.UnhealthySince is null && action == WatchdogAction.None)
                {
                    ConsumerWatchdogLog.NotConsuming(logger, queues, settings.RestartAfter);
                }
                else if (next == WatchdogState.Healthy && state.UnhealthySince is not null)
                {
                    ConsumerWatchdogLog.Recovered(logger);
                }

                state = next;
                if (action == WatchdogAction.RestartBus)
                {
                    ConsumerWatchdogLog.RestartingBus(logger, queues, settings.RestartAfter);
                    if (!await RestartBusAsync(settings, stoppingToken))
                    {
                        return;
                    }
                }
                else if (action == WatchdogAction.StopProcess)
                {
                    ConsumerWatchdogLog.StoppingProcess(logger, queues, HostExitCode.ConsumersLost);
                    StopProcess();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task<bool> RestartBusAsync(ConsumerWatchdogOptions settings, CancellationToken stoppingToken)
    {
        try
        {
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                stop.CancelAfter(settings.RestartTimeout);
                await bus.StopAsync(stop.Token);
            }

            using (var start = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                start.CancelAfter(settings.RestartTimeout);
                await bus.StartAsync(start.Token);
            }

            ConsumerWatchdogLog.Restarted(logger);
            return true;
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            ConsumerWatchdogLog.RestartFailed(logger, HostExitCode.ConsumersLost, exception);
            StopProcess();
            return false;
        }
    }

    private void StopProcess()
    {
        exitCode.Set(HostExitCode.ConsumersLost);
        lifetime.StopApplication();
    }

    private async Task<bool> ProbeBrokerAsync(CancellationToken cancellationToken)
    {
        // An AMQP handshake with the worker's own credentials, not a TCP connect: a proxy or load balancer in front of a
        // stopped broker accepts connections, and only a broker that lets the worker in makes a stuck consumer the
        // worker's problem.
        var rabbit = messaging.Value.RabbitMq;
        var factory = new ConnectionFactory
        {
            HostName = rabbit.Host,
            Port = rabbit.Port != 0 ? rabbit.Port : rabbit.UseTls ? 5671 : 5672,
            VirtualHost = rabbit.VirtualHost,
            UserName = rabbit.Username,
            Password = rabbit.ResolvePassword() ?? "",
            ClientProvidedName = "wacht-worker-watchdog-probe",
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = options.Value.BrokerProbeTimeout,
            Ssl = new SslOption { Enabled = rabbit.UseTls, ServerName = rabbit.TlsServerName ?? rabbit.Host },
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.BrokerProbeTimeout);
        try
        {
            await using var connection = await factory.CreateConnectionAsync(timeout.Token);
            await connection.CloseAsync(timeout.Token);
            return true;
        }
        catch (Exception exception) when (exception is BrokerUnreachableException or OperationInterruptedException or IOException
            or SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
