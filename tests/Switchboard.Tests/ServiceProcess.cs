using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Tests;

/// <summary>The real executable (<c>switchboard serve</c>) in its own process, for tests that kill it with SIGKILL.</summary>
public static class ServiceProcess
{
    /// <summary>
    /// Starts the service on <paramref name="db"/> (a SQLite file or a PostgreSQL connection string) at
    /// 127.0.0.1:<paramref name="port"/> and waits until <paramref name="probe"/> finds it healthy.
    /// </summary>
    public static async Task<Process> StartAsync(string db, int port, HttpClient probe, IReadOnlyDictionary<string, string>? settings = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Path.Combine(AppContext.BaseDirectory, "switchboard.dll"), "serve", "--urls", $"http://127.0.0.1:{port}", "--db", db },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["SWITCHBOARD_ADMIN_KEY"] = ServiceHost.AdminKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment["SWITCHBOARD_" + name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await probe.GetAsync(new Uri($"http://127.0.0.1:{port}/healthz"))).IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.False(process.HasExited, "the service exited during start-up");
            await Task.Delay(100);
        }

        throw new TimeoutException("the service did not become healthy within 30 s");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
