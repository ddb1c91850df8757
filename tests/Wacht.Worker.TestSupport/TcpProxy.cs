using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Wacht.Worker.TestSupport;

/// <summary>
/// A TCP forwarder on a free loopback port in front of a real server (RabbitMQ, PostgreSQL), which a test can cut and
/// restore to simulate that server going away and coming back without touching the server itself (it is shared by
/// every test running on the machine). Cut: every open connection is reset and new ones are accepted and reset at once,
/// so a client sees what it sees when a server restarts. Restore: new connections are forwarded again.
/// </summary>
/// <remarks>
/// Written by hand: no maintained .NET package served here does this (Toxiproxy needs its own server binary), and it is
/// a few dozen lines of socket code.
/// </remarks>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _upstreamHost;
    private readonly int _upstreamPort;
    private readonly ConcurrentDictionary<int, Connection> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;
    private volatile bool _cut;
    private int _nextId;

    private TcpProxy(string upstreamHost, int upstreamPort)
    {
        _upstreamHost = upstreamHost;
        _upstreamPort = upstreamPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The proxy's port on 127.0.0.1.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections forwarded right now.</summary>
    public int OpenConnections => _connections.Count;

    public static TcpProxy Start(string upstreamHost, int upstreamPort) => new(upstreamHost, upstreamPort);

    /// <summary>Resets every open connection and refuses (accepts and resets) new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        _cut = true;
        foreach (var connection in _connections.Values)
        {
            connection.Reset();
        }
    }

    /// <summary>Forwards new connections again.</summary>
    public void Restore() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections.Values)
        {
            connection.Reset();
        }

        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stopping.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (_cut)
            {
                Reset(client);
                continue;
            }

            var id = Interlocked.Increment(ref _nextId);
            _ = ForwardAsync(id, client);
        }
    }

    private async Task ForwardAsync(int id, Socket client)
    {
        var upstream = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var connection = new Connection(client, upstream);
        _connections[id] = connection;
        try
        {
            await upstream.ConnectAsync(_upstreamHost, _upstreamPort, _stopping.Token);
            if (_cut)
            {
                return;
            }

            using var both = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
            var up = PumpAsync(client, upstream, both.Token);
            var down = PumpAsync(upstream, client, both.Token);
            await Task.WhenAny(up, down);
            await both.CancelAsync();
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            // The connection ends; both sides are reset below.
        }
        finally
        {
            _connections.TryRemove(id, out _);
            connection.Reset();
        }
    }

    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes with RST (linger 0), as a server that went away does, instead of an orderly FIN.</summary>
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }

        socket.Dispose();
    }

    private sealed class Connection(Socket client, Socket upstream)
    {
        public void Reset()
        {
            TcpProxy.Reset(client);
            TcpProxy.Reset(upstream);
        }
    }
}
