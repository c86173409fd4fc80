using Microsoft.Playwright;

namespace Switchboard.Tests.App;

/// <summary>
/// One headless Chromium for the whole run: Debian's, driven by Playwright through ExecutablePath (no
/// browser is ever downloaded). Without it the browser tests skip, saying why, unless
/// SWITCHBOARD_TEST_REQUIRE_BROWSER=1 (as in CI), where they fail.
/// </summary>
public static class Browsers
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly Lazy<Task<IBrowser?>> Shared = new(LaunchAsync);

    /// <summary>Where screenshots of the main screens go: a test artifact of every run.</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public static async Task<IBrowser> GetAsync()
    {
        if (await Shared.Value is { } browser)
        {
            return browser;
        }

        if (Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_REQUIRE_BROWSER") == "1")
        {
            throw new InvalidOperationException($"SWITCHBOARD_TEST_REQUIRE_BROWSER=1 but there is no Chromium at {ExecutablePath}");
        }

        Assert.Skip($"No Chromium at {ExecutablePath}: install Debian's (apt-get install chromium) or set SWITCHBOARD_TEST_CHROMIUM to run the browser tests");
        return null!;
    }

    private static async Task<IBrowser?> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return null;
        }

        var playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(15_000);
        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,

            // The machine's network is closed: without these Chromium keeps trying Google's services.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }
}
