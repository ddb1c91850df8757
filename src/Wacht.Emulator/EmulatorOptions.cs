namespace Wacht.Emulator;

/// <summary>
/// How to start the emulator. The state comes from <see cref="Seed"/>, else <see cref="SeedPath"/>,
/// else <see cref="Generate"/>; with none of them a default generated world (one deployment) is used.
/// </summary>
public sealed class EmulatorOptions
{
    /// <summary>A JSON seed file (see deploy/emulator/README.md).</summary>
    public string? SeedPath { get; set; }

    /// <summary>A seed object (wins over <see cref="SeedPath"/>).</summary>
    public EmulatorSeed? Seed { get; set; }

    /// <summary>Generate the state from parameters.</summary>
    public SeedGeneratorOptions? Generate { get; set; }

    /// <summary>Kestrel URLs for <see cref="WachtEmulator.StartAsync"/>; default <c>http://127.0.0.1:0</c> (a free port).</summary>
    public string? Urls { get; set; }

    /// <summary>revokeOAuthGrant's 200 body: <c>{}</c> (default) or <c>null</c>.</summary>
    public RevokeBodyStyle RevokeBodyStyle { get; set; } = RevokeBodyStyle.EmptyObject;

    /// <summary>Seed of the random source for fault <see cref="FaultRule.ErrorRate"/> rolls (deterministic tests).</summary>
    public int? FaultRandomSeed { get; set; }

    /// <summary>
    /// A delay (milliseconds) added to every API call, management and runtime alike, before it is handled, on top of
    /// any fault rule's; 0 (default) adds none. It models the network and server time of the real platform for
    /// benchmarks (bench/Wacht.Worker.Benchmarks): unlike a fault rule it is part of the configuration, so
    /// <see cref="WachtEmulator.Reset"/> keeps it.
    /// </summary>
    public int LatencyMs { get; set; }

    /// <summary>Algorithm of generated app signing keys: <c>ES256</c> (default, cheap) or <c>RS256</c>.</summary>
    public string SigningKeyAlgorithm { get; set; } = "ES256";

    /// <summary>
    /// How the runtime endpoints answer a <c>client_secret_jwt</c> assertion that fails the JWT step (bad signature,
    /// wrong algorithm, expired, missing <c>exp</c>, malformed): false (default) answers 401 <c>invalid_client</c> as the
    /// contract says; true answers 400 <c>{"error":"invalid_request","error_description":"Invalid token: ..."}</c> as the
    /// platform's source does (its JWT library errors are mapped to 400).
    /// </summary>
    public bool PlatformAssertionErrors { get; set; }

    /// <summary>Clock for timestamps (created_at, revoked_at, ...); a fake one makes them deterministic.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Minimum log level of the in-process host started by <see cref="WachtEmulator.StartAsync"/>.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
}
