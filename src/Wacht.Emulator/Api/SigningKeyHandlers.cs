namespace Wacht.Emulator;

/// <summary>App signing keys: list, rotate, compromise. Keys are generated on first use.</summary>
internal static class SigningKeyHandlers
{
    /// <summary>Newest first.</summary>
    public static ApiResult List(ApiRequest r)
    {
        WireSigningKeyList result;
        lock (r.Deployment.Gate)
        {
            var keys = EnsureKeys(r, r.Deployment.RequireApp(r.Slug));
            result = new WireSigningKeyList([.. Enumerable.Reverse(keys).Select(WireMapper.ToWire)]);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireSigningKeyList);
    }

    /// <summary>The active key becomes <c>retired</c> and a new active key is answered as <c>{"new":{...}}</c>.</summary>
    public static ApiResult Rotate(ApiRequest r)
    {
        WireRotatedSigningKey result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            var keys = EnsureKeys(r, app);
            foreach (var key in keys.Where(k => k.Status == "active"))
            {
                key.Status = "retired";
            }

            var created = SigningKeys.Create(r.Runtime.State.SigningKeyAlgorithm, r.Now);
            keys.Add(created);
            result = new WireRotatedSigningKey(WireMapper.ToWire(created));
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireRotatedSigningKey);
    }

    /// <summary>
    /// Marks a key <c>compromised</c> (200 <c>{}</c>; unknown kid 404). The contract is silent on what
    /// follows; the emulator assumes that compromising the active key also mints a new active key,
    /// so the app can keep signing.
    /// </summary>
    public static ApiResult Compromise(ApiRequest r)
    {
        var kid = r.RouteString("kid");
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            var keys = EnsureKeys(r, app);
            var key = keys.Find(k => k.Kid == kid) ?? throw EmulatorApiException.NotFound("signing key not found");
            if (key.Status != "compromised")
            {
                var wasActive = key.Status == "active";
                key.Status = "compromised";
                if (wasActive)
                {
                    keys.Add(SigningKeys.Create(r.Runtime.State.SigningKeyAlgorithm, r.Now));
                }
            }
        }

        return ApiResult.Json(new WireEmpty(), ApiJsonContext.Default.WireEmpty);
    }

    private static List<SigningKeyRecord> EnsureKeys(ApiRequest r, AppRecord app) =>
        app.SigningKeys ??= [SigningKeys.Create(r.Runtime.State.SigningKeyAlgorithm, app.CreatedAt)];
}
