// The benchmark's comparison point (docs/performance.md): the grant audit as a plain sequential script through the
// official Node SDK, @wacht/backend 1.0.0-beta.20. It lists every deployment's apps, each app's clients and each
// client's grants, one call at a time, and applies the audit's rules (expired but active, scope not supported,
// scope archived, client inactive, app inactive), counting findings. It records and publishes nothing.
//
// Input (environment): WACHT_BENCH_BASE_URL (the emulator), WACHT_BENCH_DEPLOYMENTS ("id:apiKeyVariable,...": the
// name of the environment variable holding each deployment's API key). Output: one line, "BENCH-RESULT {json}".
import { WachtClient } from "@wacht/backend";

const baseUrl = process.env.WACHT_BENCH_BASE_URL;
const deployments = (process.env.WACHT_BENCH_DEPLOYMENTS ?? "")
  .split(",")
  .filter(Boolean)
  .map((entry) => {
    const [id, variable] = entry.split(":");
    return { id, apiKey: process.env[variable] };
  });
if (!baseUrl || deployments.length === 0 || deployments.some((d) => !d.apiKey)) {
  console.error("audit.mjs: set WACHT_BENCH_BASE_URL and WACHT_BENCH_DEPLOYMENTS (id:apiKeyVariable,...)");
  process.exit(2);
}

function findingsOf(app, client, grant, now) {
  if (grant.status !== "active") return 0;
  let found = 0;
  if (grant.expires_at && Date.parse(grant.expires_at) <= now) found++;
  const supported = new Set(app.supported_scopes ?? []);
  const archived = new Set((app.scope_definitions ?? []).filter((d) => d.archived).map((d) => d.scope));
  if ((grant.scopes ?? []).some((s) => !supported.has(s))) found++;
  if ((grant.scopes ?? []).some((s) => archived.has(s))) found++;
  if (!client.is_active) found++;
  if (!app.is_active) found++;
  return found;
}

const started = performance.now();
const now = Date.now();
let calls = 0;
let clients = 0;
let grants = 0;
let findings = 0;
for (const deployment of deployments) {
  const wacht = new WachtClient({ apiKey: deployment.apiKey, baseUrl });
  const apps = await wacht.oauth.listOAuthApps();
  calls++;
  for (const app of apps) {
    const appClients = await wacht.oauth.listOAuthClients(app.slug);
    calls++;
    for (const client of appClients) {
      const clientGrants = await wacht.oauth.listOAuthGrants(app.slug, client.id);
      calls++;
      clients++;
      for (const grant of clientGrants) {
        grants++;
        findings += findingsOf(app, client, grant, now);
      }
    }
  }
}

const seconds = (performance.now() - started) / 1000;
const usage = process.resourceUsage();
console.log("BENCH-RESULT " + JSON.stringify({
  seconds,
  calls,
  clients,
  grants,
  findings,
  peakWorkingSetBytes: usage.maxRSS * 1024,
}));
