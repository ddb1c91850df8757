namespace Wacht.Client;

/// <summary>Checks on API key text that never echo the key.</summary>
internal static class ApiKeyText
{
    /// <summary>Visible ASCII only: anything else cannot go into an Authorization header unchanged.</summary>
    public static bool IsHeaderSafe(string key)
    {
        foreach (var c in key)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
