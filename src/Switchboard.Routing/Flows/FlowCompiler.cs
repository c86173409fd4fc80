using Switchboard.Leads;
using Switchboard.Leads.Conditions;
using Switchboard.Routing.Strategies;

namespace Switchboard.Routing.Flows;

/// <summary>Validates a flow document once per version and compiles it; every problem is reported, not just the first.</summary>
public static class FlowCompiler
{
    /// <summary>Rules in one flow.</summary>
    public const int MaxRules = 1_000;

    public static (CompiledFlow? Flow, IReadOnlyList<FlowError> Errors) Compile(FlowDocument document, int version)
    {
        var errors = new List<FlowError>();
        var rules = new List<CompiledRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var ids = new HashSet<string>(StringComparer.Ordinal);

        if (document.Rules.Count == 0 && document.Fallback is null)
        {
            errors.Add(new FlowError("rules", "a flow needs at least one rule or a fallback"));
        }

        // Each lead may walk every rule: their number bounds the time one decision takes.
        if (document.Rules.Count > MaxRules)
        {
            return (null, [new FlowError("rules", $"a flow may have at most {MaxRules:N0} rules; this one has {document.Rules.Count:N0}")]);
        }

        var territories = new List<Territory>();
        foreach (var (territoryName, definition) in document.Territories ?? [])
        {
            var at = $"territories.{territoryName}";
            if (definition is null || (definition.Countries is not { Count: > 0 } && definition.Regions is not { Count: > 0 } && definition.PostalCodes is not { Count: > 0 }))
            {
                errors.Add(new FlowError(at, $"territory '{territoryName}' needs countries, regions or postalCodes"));
                continue;
            }

            if (Territory.Compile(territoryName, definition, at, errors) is { } territory)
            {
                territories.Add(territory);
            }
        }

        var context = new StrategyContext(territories);

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

            var id = rule.Id?.Trim() is { Length: > 0 } given ? given : name;
            if (rule.Id is not null && (id.Length > 64 || id.Contains('|', StringComparison.Ordinal)))
            {
                errors.Add(new FlowError($"{at}.id", $"rule '{name}': an id is 1-64 characters without '|'", name));
            }
            else if (!ids.Add(id))
            {
                errors.Add(new FlowError($"{at}.id", $"rule '{name}': id '{id}' is used by another rule; each rule keeps its own rotation", name));
            }

            var (policy, otherwise) = CompilePolicy(rule, at, name, errors);
            var holdFor = CompileHoldFor(rule, policy, at, name, errors);
            var fairness = CompileFairness(rule, at, name, errors);

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
                    var created = StrategyCatalog.Create(strategyName, rule.Assign.Options ?? [], context);
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

            if (target is { Kind: TargetKind.Pool } && (rule.WhenNoneEligible is not null || rule.Fairness is not null))
            {
                errors.Add(new FlowError($"{at}.assign.to", $"rule '{name}': a pool target has no eligibility or turns, so whenNoneEligible and fairness do not apply", name));
            }

            if (target is not null)
            {
                // Without an explicit policy a "try this first" strategy (account-owner) passes the lead on.
                if (rule.WhenNoneEligible is null && strategy?.FallsThroughByDefault == true)
                {
                    policy = NoneEligiblePolicy.NextRule;
                }

                var offer = CompileOffer(rule, strategy, at, name, errors);
                SlaPolicy? sla = null;
                if (rule.Sla is { } slaDoc)
                {
                    var (compiledSla, slaErrors) = SlaPolicy.Compile(slaDoc);
                    errors.AddRange(slaErrors.Select(e => new FlowError($"{at}.sla.{e.Field}", $"rule '{name}': {e.Message}", name)));
                    sla = compiledSla;
                    if (target is { Kind: TargetKind.Pool })
                    {
                        errors.Add(new FlowError($"{at}.sla", $"rule '{name}': an SLA runs from an assignment; a pool's leads are claimed (see the pool's escalation)", name));
                    }
                }

                rules.Add(new CompiledRule(name, when, target, strategy, policy, fairness, holdFor, otherwise, offer, sla) { Id = id });
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

    private static (NoneEligiblePolicy, Target?) CompilePolicy(RuleDocument rule, string at, string name, List<FlowError> errors)
    {
        var text = rule.WhenNoneEligible?.Trim();
        switch (text)
        {
            case null or "" or "hold":
                return (NoneEligiblePolicy.Hold, null);
            case "next-rule":
                return (NoneEligiblePolicy.NextRule, null);
            case "fallback":
                return (NoneEligiblePolicy.Fallback, null);
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var id = colon > 0 ? text[(colon + 1)..].Trim() : "";
        if (colon > 0 && id.Length > 0 && text[..colon] is "pool" or "rep")
        {
            return (NoneEligiblePolicy.Otherwise, text[..colon] == "pool" ? Target.Pool(id) : Target.Reps(id));
        }

        errors.Add(new FlowError($"{at}.whenNoneEligible", $"rule '{name}': '{rule.WhenNoneEligible}' is not one of hold, next-rule, fallback, pool:ID, rep:ID", name));
        return (NoneEligiblePolicy.Hold, null);
    }

    private static TimeSpan? CompileOffer(RuleDocument rule, IRoutingStrategy? strategy, string at, string name, List<FlowError> errors)
    {
        if (rule.Offer is null)
        {
            return strategy is ShotgunStrategy ? ShotgunStrategy.DefaultWindow : null;
        }

        if (strategy is null)
        {
            errors.Add(new FlowError($"{at}.offer", $"rule '{name}': offers go to reps; a pool target is claimed instead", name));
            return null;
        }

        if (!Durations.TryParse(rule.Offer, out var window) || window <= TimeSpan.Zero)
        {
            errors.Add(new FlowError($"{at}.offer", $"rule '{name}': '{rule.Offer}' is not {Durations.Expected}", name));
            return null;
        }

        return window;
    }

    private static TimeSpan? CompileHoldFor(RuleDocument rule, NoneEligiblePolicy policy, string at, string name, List<FlowError> errors)
    {
        if (rule.HoldFor is null)
        {
            return null;
        }

        if (policy != NoneEligiblePolicy.Hold)
        {
            errors.Add(new FlowError($"{at}.holdFor", $"rule '{name}': holdFor applies to whenNoneEligible: hold", name));
            return null;
        }

        if (!Durations.TryParse(rule.HoldFor, out var span))
        {
            errors.Add(new FlowError($"{at}.holdFor", $"rule '{name}': '{rule.HoldFor}' is not {Durations.Expected}", name));
            return null;
        }

        return span;
    }

    private static Fairness CompileFairness(RuleDocument rule, string at, string name, List<FlowError> errors)
    {
        var mode = rule.Fairness?.Trim() switch
        {
            null or "" or "keep-place" => FairnessMode.KeepPlace,
            "catch-up" => FairnessMode.CatchUp,
            "reset" => FairnessMode.Reset,
            _ => (FairnessMode?)null,
        };
        if (mode is null)
        {
            errors.Add(new FlowError($"{at}.fairness", $"rule '{name}': '{rule.Fairness}' is not one of keep-place, catch-up, reset", name));
            return Fairness.KeepPlace;
        }

        if (rule.CatchUpMax is { } max && (mode != FairnessMode.CatchUp || max < 1 || max > 1000))
        {
            errors.Add(new FlowError($"{at}.catchUpMax", mode != FairnessMode.CatchUp
                ? $"rule '{name}': catchUpMax applies to fairness: catch-up"
                : $"rule '{name}': catchUpMax must be between 1 and 1000", name));
        }

        return new Fairness(mode.Value, mode == FairnessMode.CatchUp ? Math.Clamp(rule.CatchUpMax ?? 5, 1, 1000) : 0);
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
