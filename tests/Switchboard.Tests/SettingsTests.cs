using Microsoft.Extensions.Configuration;

namespace Switchboard.Tests;

/// <summary>Settings that cannot be used stop the start with the setting's name and the reason.</summary>
public class SettingsTests
{
    private static SwitchboardOptions Read(string key, string value) =>
        SwitchboardOptions.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build());

    [Theory]
    [InlineData("secret")]
    [InlineData("your-own-secret")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // long, one character
    [InlineData("abababababababababababababab")] // long, two characters
    public void WeakAdminKey_Refused_NamingTheSetting(string weak)
    {
        var e = Assert.Throws<SettingsException>(() => Read("ADMIN_KEY", weak));

        Assert.Equal("SWITCHBOARD_ADMIN_KEY", e.Setting);
        Assert.Contains("at least 24 characters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FormChallenge_UnknownProviderOrNoSecret_Refused()
    {
        Assert.Equal("SWITCHBOARD_FORM_CHALLENGE", Assert.Throws<SettingsException>(() => Read("FORM_CHALLENGE", "recaptcha")).Setting);
        Assert.Equal("SWITCHBOARD_FORM_CHALLENGE_SECRET", Assert.Throws<SettingsException>(() => Read("FORM_CHALLENGE", "hcaptcha")).Setting);
    }

    [Fact]
    public void OpenIdConnect_NeedsAnHttpsIssuerAndAClientId()
    {
        static SwitchboardOptions ReadAll(params (string Key, string Value)[] settings) =>
            SwitchboardOptions.From(new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build());

        Assert.Null(ReadAll().Oidc);
        Assert.Equal("SWITCHBOARD_OIDC_AUTHORITY", Assert.Throws<SettingsException>(() => ReadAll(("OIDC_AUTHORITY", "http://idp.example.com"), ("OIDC_CLIENT_ID", "x"))).Setting);
        Assert.Equal("SWITCHBOARD_OIDC_CLIENT_ID", Assert.Throws<SettingsException>(() => ReadAll(("OIDC_AUTHORITY", "https://idp.example.com"))).Setting);
        var oidc = ReadAll(("OIDC_AUTHORITY", "https://login.microsoftonline.com/t/v2.0"), ("OIDC_CLIENT_ID", "app"), ("OIDC_SCOPES", "email profile"), ("OIDC_TRUST_EMAIL", "true")).Oidc!;
        Assert.Equal(["openid", "email", "profile"], oidc.Scopes);
        Assert.True(oidc.TrustEmail);
        Assert.Equal("single sign-on", oidc.Name);
    }

    [Fact]
    public void StrongAdminKey_Taken()
    {
        Assert.Equal("3f9c1e7a5b2d8f4e6a0c9b1d7e3f5a2c", Read("ADMIN_KEY", "3f9c1e7a5b2d8f4e6a0c9b1d7e3f5a2c").AdminKey);
    }

    [Fact]
    public void WeakAdminKey_TheServiceDoesNotStart_AndSaysWhy()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet", [typeof(SwitchboardApp).Assembly.Location, "serve", "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("sb-weak-").FullName,
        };
        start.Environment["SWITCHBOARD_ADMIN_KEY"] = "admin123";
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000));

        Assert.Equal(2, process.ExitCode);
        Assert.StartsWith("switchboard: SWITCHBOARD_ADMIN_KEY is too weak", error, StringComparison.Ordinal);
    }
}
