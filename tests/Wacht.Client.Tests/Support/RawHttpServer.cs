using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Wacht.Client.Tests.Support;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 over raw sockets, for transport behaviour a stub handler cannot show
/// (connections closed by the server). It answers each request with what <c>respond</c> returns for the
/// request's 1-based number, or closes the connection gracefully (FIN, no response) when that is null.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<int, string, string?> _respond;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _requestLines = [];
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private int _connections;

    public RawHttpServer(Func<int, string, string?> respond)
    {
        _respond = respond;
        _listener.Start();
        _acceptLoop = AcceptLoopAsync();
    }

    public Uri BaseAddress => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    public IReadOnlyList<string> RequestLines
    {
        get
        {
            lock (_gate)
            {
                return [.. _requestLines];
            }
        }
    }

    public int Connections => Volatile.Read(ref _connections);

    public static string Ok(string json) =>
        $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or TimeoutException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _connections);
                connections.Add(ServeAsync(socket));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var received = 0;
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    int headerEnd;
                    while ((headerEnd = IndexOfHeaderEnd(buffer, received)) < 0)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(received), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        received += read;
                    }

                    var headers = Encoding.ASCII.GetString(buffer, 0, headerEnd);
                    var contentLength = headers.Split("\r\n")
                        .Where(static line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                        .Select(static line => int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                        .FirstOrDefault();
                    var total = headerEnd + 4 + contentLength;
                    while (received < total)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(received), _stop.Token);
                        if (read == 0)
                        {
                            return;
                        }

                        received += read;
                    }

                    int number;
                    var requestLine = headers.Split("\r\n")[0];
                    lock (_gate)
                    {
                        _requestLines.Add(requestLine);
                        number = _requestLines.Count;
                    }

                    Buffer.BlockCopy(buffer, total, buffer, 0, received - total);
                    received -= total;

                    var response = _respond(number, requestLine);
                    if (response is null)
                    {
                        socket.Shutdown(SocketShutdown.Send);
                        await Task.Delay(200, _stop.Token);
                        return;
                    }

                    await socket.SendAsync(Encoding.UTF8.GetBytes(response), _stop.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private static int IndexOfHeaderEnd(byte[] buffer, int length) =>
        buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
}
