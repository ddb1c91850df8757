namespace Wacht.Client;

/// <summary>Reads Retry-After as delta-seconds or as an HTTP date (relative to now; a past date means no wait).</summary>
internal static class RetryAfterParser
{
    public static TimeSpan? Get(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }
}
