namespace Switchboard;

/// <summary>
/// Collects what is wrong with a request, by field, for one problem+json answer. Bounded: a hostile
/// document cannot make a huge answer (the first <see cref="MaxErrors"/> errors are kept, each cut to
/// <see cref="MaxLength"/> characters, then one line counts the rest).
/// </summary>
public sealed class FieldErrors
{
    public const int MaxErrors = 100;
    public const int MaxLength = 500;

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
    private int _count;

    public bool Any => _errors.Count > 0;

    public IReadOnlyDictionary<string, List<string>> All => _errors;

    /// <summary>Every document error (flows, intake rules), each under its field.</summary>
    public void AddAll(IEnumerable<Leads.FlowError> documentErrors)
    {
        foreach (var e in documentErrors)
        {
            Add(e.Field, e.Message);
        }
    }

    /// <summary>Every error of <paramref name="inner"/> under <paramref name="prefix"/> (e.g. <c>lead.</c>, <c>flow.</c>).</summary>
    public void AddAll(string prefix, FieldErrors inner)
    {
        foreach (var (field, messages) in inner._errors)
        {
            messages.ForEach(m => Add(prefix + field, m));
        }
    }

    public void AddAll(IEnumerable<(string Field, string Message)> errors)
    {
        foreach (var (field, message) in errors)
        {
            Add(field, message);
        }
    }

    public void Add(string field, string message)
    {
        if (++_count > MaxErrors)
        {
            _errors["more"] = [$"{_count - MaxErrors:N0} more error(s) not listed; mend these first"];
            return;
        }

        field = Cut(field);
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(Cut(message));
    }

    private static string Cut(string text) => text.Length <= MaxLength ? text : string.Concat(text.AsSpan(0, MaxLength), "…");
}
