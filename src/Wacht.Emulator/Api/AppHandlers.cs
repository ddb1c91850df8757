using System.Text.Json;
using Microsoft.Extensions.Primitives;

namespace Wacht.Emulator;

/// <summary>App-level operations: list/create/update apps, domain verification, scopes.</summary>
internal static class AppHandlers
{
    public static ApiResult List(ApiRequest r)
    {
        WireAppList result;
        lock (r.Deployment.Gate)
        {
            result = new WireAppList([.. r.Deployment.Apps.Select(WireMapper.ToWire)]);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireAppList);
    }

    /// <summary>createOAuthApp: multipart/form-data like the SDK sends it.</summary>
    public static async ValueTask<ApiResult> CreateAsync(ApiRequest r)
    {
        var http = r.Http;
        if (!http.Request.HasFormContentType
            || !(http.Request.ContentType ?? "").StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw EmulatorApiException.BadRequest("Invalid `boundary` for `multipart/form-data` request");
        }

        IFormCollection form;
        try
        {
            // The body was buffered before any stall; parse it from memory.
            http.Request.Body = new MemoryStream(r.Body, writable: false);
            form = await http.Request.ReadFormAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            throw EmulatorApiException.BadRequest($"Error parsing `multipart/form-data` request: {ex.Message}");
        }

        var slug = Field(form, "slug")?.Trim() ?? "";
        var name = Field(form, "name")?.Trim() ?? "";
        if (slug.Length == 0)
        {
            throw EmulatorApiException.BadRequest("slug is required");
        }

        if (name.Length == 0)
        {
            throw EmulatorApiException.BadRequest("name is required");
        }

        // The emulator's assumption: slugs are URL path segments, so letters, digits, '-' and '_' only.
        if (slug.Length > 64 || !slug.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw EmulatorApiException.BadRequest("slug must be 1 to 64 letters, numbers, '-' or '_'");
        }

        var description = Field(form, "description");
        var fqdnInput = Field(form, "fqdn") ?? Field(form, "domain");
        var supportedScopes = ScopeRules.NormalizeSupportedScopes((Field(form, "supported_scopes") ?? "").Split(','));
        List<WireScopeDefinitionInput>? definitionInputs = null;
        if (Field(form, "scope_definitions") is { Length: > 0 } definitionsJson)
        {
            try
            {
                definitionInputs = JsonSerializer.Deserialize(definitionsJson, ApiJsonContext.Default.ListWireScopeDefinitionInput);
            }
            catch (JsonException ex)
            {
                throw EmulatorApiException.BadRequest($"Invalid scope_definitions JSON: {ex.Message}");
            }
        }

        var allowDcr = false;
        if (Field(form, "allow_dynamic_client_registration") is { } dcr)
        {
            allowDcr = dcr.Trim().ToLowerInvariant() switch
            {
                "true" => true,
                "false" => false,
                _ => throw EmulatorApiException.BadRequest("allow_dynamic_client_registration must be true or false"),
            };
        }

        var hasLogo = form.Files.GetFile("logo") is { Length: > 0 };
        var fqdn = FqdnRules.Build(r.Deployment.Mode, fqdnInput);
        var definitions = ScopeRules.BuildDefinitions(supportedScopes, definitionInputs, null);
        var now = r.Now;

        WireApp result;
        lock (r.Deployment.Gate)
        {
            if (r.Deployment.AppsBySlug.ContainsKey(slug))
            {
                throw new EmulatorApiException(StatusCodes.Status409Conflict, "Resource already exists");
            }

            var id = r.Data.Ids.Next();
            var app = new AppRecord
            {
                Id = id,
                Slug = slug,
                Name = name,
                Description = string.IsNullOrEmpty(description) ? null : description,
                // The platform uploads the logo to its CDN; the emulator only invents the URL.
                LogoUrl = hasLogo ? $"https://cdn.wacht.emulator/oauth-apps/{WireMapper.Id(id)}/logo" : null,
                Fqdn = fqdn,
                SupportedScopes = supportedScopes,
                ScopeDefinitions = definitions,
                AllowDynamicClientRegistration = allowDcr,
                IsActive = true,
                CreatedAt = now,
                UpdatedAt = now,
                DomainVerified = !string.Equals(r.Deployment.Mode, "production", StringComparison.Ordinal),
            };
            r.Deployment.Apps.Add(app);
            r.Deployment.AppsBySlug.Add(slug, app);
            result = WireMapper.ToWire(app);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireApp);
    }

    /// <summary>
    /// updateOAuthApp. Absent (or null) fields stay unchanged. supported_scopes REPLACES the list:
    /// definitions of removed scopes are dropped, definitions of kept scopes stay, new scopes get
    /// defaults; scope_definitions replace the definitions of the scopes they name (validated like on
    /// create; the immutability of mappings is enforced only by setOAuthScopeMapping, as on the platform).
    /// </summary>
    public static ApiResult Update(ApiRequest r)
    {
        var request = r.ReadJson(ApiJsonContext.Default.WireUpdateAppRequest);
        var fqdn = request.Fqdn is null ? null : FqdnRules.Validate(request.Fqdn);
        var now = r.Now;
        WireApp result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            var supported = request.SupportedScopes is null ? app.SupportedScopes : ScopeRules.NormalizeSupportedScopes(request.SupportedScopes);
            var definitions = ScopeRules.BuildDefinitions(supported, request.ScopeDefinitions, app.ScopeDefinitions);

            app.SupportedScopes = supported;
            app.ScopeDefinitions = definitions;
            app.Name = request.Name ?? app.Name;
            app.Description = request.Description ?? app.Description;
            app.LogoUrl = request.LogoUrl ?? app.LogoUrl;
            app.Fqdn = fqdn ?? app.Fqdn;
            app.AllowDynamicClientRegistration = request.AllowDynamicClientRegistration ?? app.AllowDynamicClientRegistration;
            app.IsActive = request.IsActive ?? app.IsActive;
            app.UpdatedAt = now;
            result = WireMapper.ToWire(app);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireApp);
    }

    public static ApiResult VerifyDomain(ApiRequest r)
    {
        WireDomainVerification result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            result = new WireDomainVerification(app.Fqdn, app.CnameTarget, app.DomainVerified);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireDomainVerification);
    }

    public static ApiResult UpdateScope(ApiRequest r)
    {
        var scope = r.Scope;
        var request = r.ReadJson(ApiJsonContext.Default.WireUpdateScopeRequest);
        return MutateScope(r, scope, definition =>
        {
            // Trimmed; an empty value falls back to the default on persist, as on the platform.
            if (request.DisplayName is { } displayName)
            {
                var trimmed = displayName.Trim();
                definition.DisplayName = trimmed.Length == 0 ? definition.Scope : trimmed;
            }

            if (request.Description is { } description)
            {
                var trimmed = description.Trim();
                definition.Description = trimmed.Length == 0 ? ScopeRules.DefaultDescription(definition.Scope) : trimmed;
            }
        });
    }

    public static ApiResult Archive(ApiRequest r) => MutateScope(r, r.Scope, d => d.Archived = true);

    public static ApiResult Unarchive(ApiRequest r) => MutateScope(r, r.Scope, d => d.Archived = false);

    /// <summary>setOAuthScopeMapping, with the platform's checks in the platform's order.</summary>
    public static ApiResult SetMapping(ApiRequest r)
    {
        var scope = r.Scope;
        var request = r.ReadJson(ApiJsonContext.Default.WireScopeMappingRequest);
        var category = (request.Category ?? "").Trim().ToLowerInvariant();
        if (category is not ("personal" or "organization" or "workspace"))
        {
            throw EmulatorApiException.BadRequest("category must be personal, organization, or workspace");
        }

        var organizationPermission = ScopeRules.TrimToNull(request.OrganizationPermission);
        var workspacePermission = ScopeRules.TrimToNull(request.WorkspacePermission);
        if (category == "personal" && (organizationPermission is not null || workspacePermission is not null))
        {
            throw EmulatorApiException.BadRequest("personal category cannot map organization/workspace permissions");
        }

        if (category == "organization" && workspacePermission is not null)
        {
            throw EmulatorApiException.BadRequest("organization category cannot map workspace permission");
        }

        if (category == "workspace" && organizationPermission is not null)
        {
            throw EmulatorApiException.BadRequest("workspace category cannot map organization permission");
        }

        lock (r.Deployment.Gate)
        {
            if (organizationPermission is not null && !r.Deployment.OrganizationPermissions.Contains(organizationPermission))
            {
                throw EmulatorApiException.BadRequest($"organization permission '{organizationPermission}' is not configured in deployment B2B settings");
            }

            if (workspacePermission is not null && !r.Deployment.WorkspacePermissions.Contains(workspacePermission))
            {
                throw EmulatorApiException.BadRequest($"workspace permission '{workspacePermission}' is not configured in deployment B2B settings");
            }
        }

        return MutateScope(r, scope, definition =>
        {
            if (definition.Category.Trim().Length > 0 && definition.Category != category)
            {
                throw EmulatorApiException.BadRequest("scope category is immutable once set");
            }

            if (definition.OrganizationPermission is not null && definition.OrganizationPermission != organizationPermission)
            {
                throw EmulatorApiException.BadRequest("organization permission is immutable once set");
            }

            if (definition.WorkspacePermission is not null && definition.WorkspacePermission != workspacePermission)
            {
                throw EmulatorApiException.BadRequest("workspace permission is immutable once set");
            }

            // Re-setting the identical mapping passes the checks above and changes nothing but updated_at.
            definition.Category = category;
            definition.OrganizationPermission = organizationPermission;
            definition.WorkspacePermission = workspacePermission;
        });
    }

    private static ApiResult MutateScope(ApiRequest r, string scope, Action<ScopeDefinitionRecord> mutate)
    {
        var now = r.Now;
        WireApp result;
        lock (r.Deployment.Gate)
        {
            var app = r.Deployment.RequireApp(r.Slug);
            var definition = app.ScopeDefinitions.Find(d => d.Scope == scope)
                ?? throw EmulatorApiException.NotFound("scope definition not found");
            mutate(definition);
            app.UpdatedAt = now;
            result = WireMapper.ToWire(app);
        }

        return ApiResult.Json(result, ApiJsonContext.Default.WireApp);
    }

    private static string? Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && !StringValues.IsNullOrEmpty(values) ? values.ToString() : null;
}
