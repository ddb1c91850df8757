using System.Diagnostics;
using System.Globalization;
using Wacht.Emulator;

// Standalone: dotnet run --project src/Wacht.Emulator -- --urls http://127.0.0.1:5080 --seed deploy/emulator/demo-seed.json
var switchMappings = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--seed"] = "Emulator:SeedPath",
    ["--generate-deployments"] = "Emulator:Generate:Deployments",
    ["--generate-apps"] = "Emulator:Generate:AppsPerDeployment",
    ["--generate-clients"] = "Emulator:Generate:ClientsPerApp",
    ["--generate-grants"] = "Emulator:Generate:GrantsPerClient",
    ["--generate-expired-share"] = "Emulator:Generate:ExpiredGrantShare",
    ["--generate-revoked-share"] = "Emulator:Generate:RevokedGrantShare",
    ["--generate-inactive-share"] = "Emulator:Generate:InactiveClientShare",
    ["--generate-secretless-share"] = "Emulator:Generate:SecretlessAuthShare",
    ["--generate-old-share"] = "Emulator:Generate:OldClientShare",
    ["--generate-now"] = "Emulator:Generate:Now",
    ["--generate-api-key-pattern"] = "Emulator:Generate:ApiKeyPattern",
    ["--random-seed"] = "Emulator:Generate:RandomSeed",
    ["--revoke-body"] = "Emulator:RevokeBody",
    ["--signing-key-algorithm"] = "Emulator:SigningKeyAlgorithm",
    ["--fault-random-seed"] = "Emulator:FaultRandomSeed",
    ["--latency-ms"] = "Emulator:LatencyMs",
    ["--platform-assertion-errors"] = "Emulator:PlatformAssertionErrors",
    ["--dump-seed"] = "Emulator:DumpSeed",
};

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, switchMappings);
var section = builder.Configuration.GetSection("Emulator");
var options = ReadOptions(section);

if (section["DumpSeed"] is { Length: > 0 } dumpPath)
{
    // Write the seed the options describe (e.g. a generated one) and exit.
    SeedFile.Save(options.Seed ?? SeedFile.Load(options.SeedPath!), dumpPath);
    Console.WriteLine($"seed written to {dumpPath}");
    return;
}

var stopwatch = Stopwatch.StartNew();
builder.Services.AddWachtEmulator(options);
var seedMs = stopwatch.ElapsedMilliseconds;

var app = builder.Build();
app.MapWachtEmulator();
app.Lifetime.ApplicationStarted.Register(() =>
{
    var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Wacht.Emulator");
    foreach (var url in app.Urls)
    {
        EmulatorLog.Listening(logger, url);
    }

    EmulatorLog.SeedLoaded(logger, options.SeedPath ?? "generated", seedMs);
    // Ids and counts only: never API keys or secrets.
    foreach (var deployment in app.Services.GetRequiredService<EmulatorState>().Deployments)
    {
        EmulatorLog.DeploymentLoaded(logger, deployment.Id, deployment.Name ?? "-", deployment.Mode, deployment.AppCount, deployment.ClientCount, deployment.GrantCount);
    }
});

await app.RunAsync();

static EmulatorOptions ReadOptions(IConfigurationSection section)
{
    var generate = section.GetSection("Generate");
    SeedGeneratorOptions? generator = null;
    if (generate.GetChildren().Any())
    {
        var defaults = new SeedGeneratorOptions();
        generator = new SeedGeneratorOptions
        {
            Deployments = generate.GetValue("Deployments", defaults.Deployments),
            AppsPerDeployment = generate.GetValue("AppsPerDeployment", defaults.AppsPerDeployment),
            ClientsPerApp = generate.GetValue("ClientsPerApp", defaults.ClientsPerApp),
            GrantsPerClient = generate.GetValue("GrantsPerClient", defaults.GrantsPerClient),
            ExpiredGrantShare = generate.GetValue("ExpiredGrantShare", defaults.ExpiredGrantShare),
            RevokedGrantShare = generate.GetValue("RevokedGrantShare", defaults.RevokedGrantShare),
            InactiveClientShare = generate.GetValue("InactiveClientShare", defaults.InactiveClientShare),
            SecretlessAuthShare = generate.GetValue("SecretlessAuthShare", defaults.SecretlessAuthShare),
            OldClientShare = generate.GetValue("OldClientShare", defaults.OldClientShare),
            RandomSeed = generate.GetValue("RandomSeed", defaults.RandomSeed),
            ApiKeyPattern = generate["ApiKeyPattern"] ?? defaults.ApiKeyPattern,
            Now = generate["Now"] is { Length: > 0 } now
                ? DateTimeOffset.Parse(now, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
                : null,
        };
    }

    var seedPath = ResolveSeedPath(section["SeedPath"]);
    var options = new EmulatorOptions
    {
        SeedPath = seedPath,
        Generate = generator,
        RevokeBodyStyle = string.Equals(section["RevokeBody"], "null", StringComparison.OrdinalIgnoreCase)
            ? RevokeBodyStyle.Null
            : RevokeBodyStyle.EmptyObject,
        SigningKeyAlgorithm = section["SigningKeyAlgorithm"] ?? "ES256",
        FaultRandomSeed = section.GetValue<int?>("FaultRandomSeed"),
        LatencyMs = section.GetValue("LatencyMs", 0),
        PlatformAssertionErrors = section.GetValue("PlatformAssertionErrors", false),
    };

    if (section["DumpSeed"] is { Length: > 0 } && seedPath is null)
    {
        options.Seed = SeedGenerator.Generate(generator ?? new SeedGeneratorOptions());
    }

    return options;
}

// `dotnet run --project` may start the app in the project folder: a relative seed path that does not
// exist there is looked up in the parent folders too (so deploy/emulator/demo-seed.json works from anywhere in the repo).
static string? ResolveSeedPath(string? path)
{
    if (string.IsNullOrEmpty(path) || Path.IsPathRooted(path) || File.Exists(path))
    {
        return path;
    }

    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, path);
        if (File.Exists(candidate))
        {
            return candidate;
        }
    }

    return path;
}
