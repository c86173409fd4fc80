using Switchboard.Routing.Conditions;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Flows;

/// <summary>Validates a flow document once per version and compiles it; every problem is reported, not just the first.</summary>
public static class FlowCompiler
{
    public static (CompiledFlow? Flow, IReadOnlyList<FlowError> Errors) Compile(FlowDocument document, int version)
    {
        var errors = new List<FlowError>();
        var rules = new List<CompiledRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);

        if (document.Rules.Count == 0 && document.Fallback is null)
        {
            errors.Add(new FlowError("rules", "a flow needs at least one rule or a fallback"));
        }

        for (var i = 0; i < document.Rules.Count; i++)
        {
            var rule = document.Rules[i];
            var at = $"rules[{i}]";
            if (rule is null)
            {
                errors.Add(new FlowError(at, "empty rule"));
                continue;
            }

            var name = rule.Name?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                errors.Add(new FlowError($"{at}.name", "every rule needs a name"));
                name = $"#{i + 1}";
            }
            else if (!names.Add(name))
            {
                errors.Add(new FlowError($"{at}.name", $"rule name '{name}' is used twice", name));
            }

            Condition? when = null;
            if (!string.IsNullOrWhiteSpace(rule.When))
            {
                var compiled = Condition.Compile(rule.When);
                if (compiled.Error is { } e)
                {
                    errors.Add(new FlowError($"{at}.when", $"rule '{name}': {e}", name, e.Position));
                }

                when = compiled.Condition;
            }

            var policy = NoneEligiblePolicy.Hold;
            switch (rule.WhenNoneEligible?.Trim().ToLowerInvariant())
            {
                case null or "" or "hold":
                    break;
                case "next-rule":
                    policy = NoneEligiblePolicy.NextRule;
                    break;
                case "fallback":
                    policy = NoneEligiblePolicy.Fallback;
                    break;
                default:
                    errors.Add(new FlowError($"{at}.whenNoneEligible", $"rule '{name}': '{rule.WhenNoneEligible}' is not one of hold, next-rule, fallback", name));
                    break;
            }

            if (rule.Assign is null)
            {
                errors.Add(new FlowError($"{at}.assign", $"rule '{name}' needs 'assign' with a target ('to') and a strategy", name));
                continue;
            }

            var target = CompileTarget(rule.Assign.To, $"{at}.assign.to", name, errors);
            IRoutingStrategy? strategy = null;
            if (target is { Kind: not TargetKind.Pool })
            {
                var strategyName = rule.Assign.Strategy?.Trim();
                if (string.IsNullOrEmpty(strategyName))
                {
                    errors.Add(new FlowError($"{at}.assign.strategy", $"rule '{name}' needs a strategy: one of {string.Join(", ", StrategyCatalog.Names)}", name));
                }
                else
                {
                    var created = StrategyCatalog.Create(strategyName, rule.Assign.Options ?? []);
                    if (created.Error is { } strategyError)
                    {
                        errors.Add(new FlowError($"{at}.assign.{strategyError.Field}", $"rule '{name}': {strategyError.Message}", name));
                    }

                    strategy = created.Strategy;
                }
            }
            else if (target is { Kind: TargetKind.Pool } && !string.IsNullOrEmpty(rule.Assign.Strategy))
            {
                errors.Add(new FlowError($"{at}.assign.strategy", $"rule '{name}': a pool target takes no strategy (reps claim from the pool)", name));
            }

            if (target is not null)
            {
                rules.Add(new CompiledRule(name, when, target, strategy, policy));
            }
        }

        Target? fallback = null;
        if (document.Fallback is null)
        {
            errors.Add(new FlowError("fallback", "a flow must end in a fallback, e.g. fallback: { pool: unassigned }"));
        }
        else
        {
            fallback = CompileTarget(document.Fallback, "fallback", null, errors);
            if (fallback is { Kind: TargetKind.Team })
            {
                errors.Add(new FlowError("fallback", "the fallback is a pool or a single rep ({ pool: id } or { rep: id })"));
            }
            else if (fallback is { Kind: TargetKind.Reps, RepIds.Count: > 1 })
            {
                errors.Add(new FlowError("fallback.reps", "the fallback names one rep, e.g. { rep: default-owner }"));
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new CompiledFlow(version, rules, fallback!), errors);
    }

    private static Target? CompileTarget(TargetDocument? to, string at, string? rule, List<FlowError> errors)
    {
        var what = rule is null ? "the fallback" : $"rule '{rule}'";
        if (to is null)
        {
            errors.Add(new FlowError(at, $"{what} needs a target: {{ team: id }}, {{ reps: [ids] }}, {{ rep: id }} or {{ pool: id }}", rule));
            return null;
        }

        var given = new List<Target>();
        if (!string.IsNullOrWhiteSpace(to.Team))
        {
            given.Add(Target.Team(to.Team.Trim()));
        }

        if (to.Reps is { Count: > 0 })
        {
            if (to.Reps.Any(string.IsNullOrWhiteSpace))
            {
                errors.Add(new FlowError($"{at}.reps", $"{what}: rep ids must not be empty", rule));
                return null;
            }

            given.Add(Target.Reps([.. to.Reps.Select(r => r.Trim()).Distinct(StringComparer.Ordinal)]));
        }
        else if (to.Reps is { Count: 0 })
        {
            errors.Add(new FlowError($"{at}.reps", $"{what}: the list of reps is empty", rule));
            return null;
        }

        if (!string.IsNullOrWhiteSpace(to.Rep))
        {
            given.Add(Target.Reps(to.Rep.Trim()));
        }

        if (!string.IsNullOrWhiteSpace(to.Pool))
        {
            given.Add(Target.Pool(to.Pool.Trim()));
        }

        if (given.Count != 1)
        {
            errors.Add(new FlowError(at, $"{what} needs exactly one target of team, reps, rep or pool; found {given.Count}", rule));
            return null;
        }

        return given[0];
    }
}
