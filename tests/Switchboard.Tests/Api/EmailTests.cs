using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Tests.Api;

/// <summary>A rep is emailed about a lead assigned to them, through a real (small, in-test) SMTP server.</summary>
public sealed class EmailTests() : HostedTests(new SqliteDatabase())
{
    private readonly TcpListener _smtp = StartListener();
    private readonly ConcurrentQueue<(string From, string To, string Data)> _mails = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly string _template = Path.Combine(Path.GetTempPath(), $"switchboard-template-{Guid.NewGuid():N}.txt");

    private static TcpListener StartListener()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    protected override Task<ServiceHost> StartAsync(string db)
    {
        File.WriteAllText(_template, "New lead for {repName}: {leadId}\n{type}: {note}\n");
        _ = ServeSmtpAsync(_stop.Token);
        return ServiceHost.StartAsync(db, settings: new Dictionary<string, string>
        {
            ["SMTP_HOST"] = "127.0.0.1",
            ["SMTP_PORT"] = ((IPEndPoint)_smtp.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["SMTP_FROM"] = "leads@switchboard.example",
            ["SMTP_TEMPLATE"] = _template,
            ["CLOCK_MS"] = "100",
        });
    }

    protected override async ValueTask TearDownAsync()
    {
        await _stop.CancelAsync();
        _smtp.Stop();
        File.Delete(_template);
    }

    /// <summary>Just enough SMTP (RFC 5321) to take mail: greeting, EHLO, MAIL, RCPT, DATA, QUIT.</summary>
    private async Task ServeSmtpAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var client = await _smtp.AcceptTcpClientAsync(ct);
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 test.example ESMTP");
            string? from = null, to = null;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                var verb = line.Split(' ', ':')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO" or "HELO":
                        await writer.WriteLineAsync("250 test.example");
                        break;
                    case "MAIL":
                        from = line;
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        to = line;
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(ct) is { } d && d != ".")
                        {
                            data.AppendLine(d);
                        }

                        _mails.Enqueue((from!, to!, data.ToString()));
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        goto done;
                    default:
                        await writer.WriteLineAsync("250 OK");
                        break;
                }
            }

        done:;
        }
    }

    [Fact]
    public async Task AssignedLead_TheRepGetsTheTemplatedEmail()
    {
        await Admin.PostOk("/api/teams", new { id = "sdr", name = "SDR" });
        await Admin.PostOk("/api/reps", new { id = "ada", name = "Ada Lovelace", email = "ada@sales.example", teamIds = new[] { "sdr" } });
        await Admin.PutFlow("rules:\n  - name: main\n    assign: { to: { team: sdr }, strategy: round-robin }\nfallback: { pool: unassigned }\n");

        var lead = await Admin.PostOk("/api/leads", new { email = "buyer@example.com" });

        for (var i = 0; i < 100 && _mails.IsEmpty; i++)
        {
            await Task.Delay(50);
        }

        var mail = Assert.Single(_mails);
        Assert.Contains("leads@switchboard.example", mail.From, StringComparison.Ordinal);
        Assert.Contains("ada@sales.example", mail.To, StringComparison.Ordinal);
        Assert.Contains($"Subject: New lead for Ada Lovelace: {lead["id"].Str()}", mail.Data, StringComparison.Ordinal);
        Assert.Contains("lead.assigned: rule 'main' matched", mail.Data, StringComparison.Ordinal);
    }
}
