namespace Wacht.Emulator;

/// <summary>
/// App signing keys: list, rotate, compromise, as the platform's source does them (statuses <c>active</c>,
/// <c>retired</c>, <c>compromised</c>; at most one active key per app). Keys are generated on first use; the platform
/// provisions the first key when the app is created, which looks the same from outside.
/// </summary>
internal static class SigningKeyHandlers
{
    /// <summary>Active and retired keys, newest first. Compromised keys are never listed (the platform drops them from JWKS and from this list).</summary>
    public static ApiResult List(ApiRequest r)
    {
        WireSigningKeyList result;
        lock (r.Deployment.Gate)
        {
            var keys = EnsureKeys(r, r.Deployment.RequireApp(r.Slug));
            result = new WireSigningKeyList([.. Enumerable.Reverse(keys).Where(SigningKeys.IsPublished).Select(WireMapper.ToWire)]);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireSigningKeyList);
    }

    /// <summary>The active key (if any) becomes <c>retired</c> and a new active key is answered as <c>{"new":{...}}</c>.</summary>
    public static ApiResult Rotate(ApiRequest r)
    {
        WireRotatedSigningKey result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            var keys = EnsureKeys(r, app);
            foreach (var key in keys.Where(k => k.Status == SigningKeys.Active))
            {
                key.Status = SigningKeys.Retired;
                key.RetiredAt = r.Now;
            }

            var created = NewActiveKey(r, app, r.Now);
            keys.Add(created);
            result = new WireRotatedSigningKey(WireMapper.ToWire(created));
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireRotatedSigningKey);
    }

    /// <summary>
    /// Marks an active or retired key <c>compromised</c> (200 <c>{}</c>, as the contract says; the platform's handler
    /// answers 204). An unknown or already compromised kid is 404, as on the platform. When the compromised key was the
    /// active one, a new active key is issued at once: the platform provisions it on the next JWKS or token request,
    /// which the emulator does not serve, so it issues it here.
    /// </summary>
    public static ApiResult Compromise(ApiRequest r)
    {
        var kid = r.RouteString("kid");
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            var keys = EnsureKeys(r, app);
            var key = keys.Find(k => k.Kid == kid && k.Status != SigningKeys.Compromised)
                ?? throw EmulatorApiException.NotFound($"no signing key with kid '{kid}' for this app");
            var wasActive = key.Status == SigningKeys.Active;
            key.Status = SigningKeys.Compromised;
            key.RetiredAt = r.Now;
            if (wasActive)
            {
                keys.Add(NewActiveKey(r, app, r.Now));
            }
        }

        return ApiResult.Json(new WireEmpty(), ApiJsonContext.Default.WireEmpty);
    }

    private static List<SigningKeyRecord> EnsureKeys(ApiRequest r, AppRecord app) =>
        SigningKeys.Ensure(app, r.Data, r.Runtime.State.SigningKeyAlgorithm);

    private static SigningKeyRecord NewActiveKey(ApiRequest r, AppRecord app, DateTimeOffset createdAt) =>
        SigningKeys.Create(r.Runtime.State.SigningKeyAlgorithm, createdAt, SigningKeys.PlatformKid(app.Id, r.Data.Ids.Next()));
}
