using System.IO.Enumeration;

namespace Wacht.Worker.Jobs;

/// <summary>
/// Include/exclude patterns over clients, as <c>deployment/app-slug/client</c> globs (<c>*</c>, <c>?</c>). Missing
/// trailing segments mean <c>*</c>; the client segment matches the record id or the public <c>client_id</c>. An empty
/// include list includes everything; an exclude always wins.
/// </summary>
/// <remarks>Segment matching uses the BCL's <see cref="FileSystemName.MatchesSimpleExpression"/> (ordinal, case-sensitive).</remarks>
public sealed class TargetFilter
{
    private readonly Pattern[] _include;
    private readonly Pattern[] _exclude;

    public TargetFilter(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        _include = [.. include.Select(Pattern.Parse)];
        _exclude = [.. exclude.Select(Pattern.Parse)];
    }

    /// <summary>Matches everything.</summary>
    public static TargetFilter All { get; } = new([], []);

    /// <summary>Null when <paramref name="pattern"/> is a valid pattern, else what is wrong with it.</summary>
    public static string? Validate(string? pattern)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            return "is empty";
        }

        var segments = pattern.Split('/');
        if (segments.Length > 3)
        {
            return $"has {segments.Length} segments; the form is deployment/app-slug/client";
        }

        return segments.Any(static s => s.Length == 0) ? "has an empty segment (use * for any)" : null;
    }

    /// <summary>Whether the client is in scope.</summary>
    public bool Includes(string deploymentId, string appSlug, string oauthClientId, string clientId) =>
        (_include.Length == 0 || _include.Any(p => p.Matches(deploymentId, appSlug, oauthClientId, clientId)))
        && !_exclude.Any(p => p.Matches(deploymentId, appSlug, oauthClientId, clientId));

    /// <summary>
    /// Whether an app itself is in scope, for what the jobs do per app (signing keys): an include pattern whose client
    /// segment is <c>*</c> (or omitted) matches it, or there are no include patterns; and no exclude pattern takes out
    /// every client of it. A pattern that names clients (<c>*/billing/oc_abc</c>) is about those clients, not the app.
    /// </summary>
    public bool IncludesApp(string deploymentId, string appSlug) =>
        (_include.Length == 0 || _include.Any(p => p.Client == "*" && p.MayMatch(deploymentId, appSlug)))
        && !_exclude.Any(p => p.ExcludesAll(deploymentId, appSlug));

    /// <summary>False when no client of the app can be in scope (the walker then does not list its clients).</summary>
    public bool MayInclude(string deploymentId, string? appSlug = null) =>
        (_include.Length == 0 || _include.Any(p => p.MayMatch(deploymentId, appSlug)))
        && !_exclude.Any(p => p.ExcludesAll(deploymentId, appSlug));

    /// <summary>
    /// Whether an include pattern covers every client of the app, present and future (its client segment is <c>*</c>),
    /// and no exclude takes any of them out. For decisions on a whole app, such as who may sync its scopes.
    /// </summary>
    public bool CoversWholeApp(string deploymentId, string appSlug) =>
        _include.Any(p => p.Client == "*" && p.MayMatch(deploymentId, appSlug))
        && !_exclude.Any(p => p.MayMatch(deploymentId, appSlug));

    private sealed record Pattern(string Deployment, string App, string Client)
    {
        public static Pattern Parse(string text)
        {
            if (Validate(text) is { } problem)
            {
                throw new ArgumentException($"Pattern '{text}' {problem}.", nameof(text));
            }

            var s = text.Split('/');
            return new Pattern(s[0], s.Length > 1 ? s[1] : "*", s.Length > 2 ? s[2] : "*");
        }

        public bool Matches(string deploymentId, string appSlug, string oauthClientId, string clientId) =>
            Glob(Deployment, deploymentId) && Glob(App, appSlug) && (Glob(Client, oauthClientId) || Glob(Client, clientId));

        public bool MayMatch(string deploymentId, string? appSlug) =>
            Glob(Deployment, deploymentId) && (appSlug is null || Glob(App, appSlug));

        public bool ExcludesAll(string deploymentId, string? appSlug) =>
            Client == "*" && Glob(Deployment, deploymentId) && (appSlug is null ? App == "*" : Glob(App, appSlug));

        private static bool Glob(string pattern, string value) =>
            pattern == "*" || FileSystemName.MatchesSimpleExpression(pattern, value, ignoreCase: false);
    }
}
