namespace Switchboard;

/// <summary>Collects what is wrong with a request, by field, for one problem+json answer.</summary>
public sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

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
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

}
