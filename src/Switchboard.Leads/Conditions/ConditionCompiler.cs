using System.Globalization;

namespace Switchboard.Leads.Conditions;

/// <summary>
/// Parses and compiles condition expressions such as
/// <c>company.employees &gt;= 1000 and country in ['US', 'CA']</c>.
/// Grammar (lowest precedence first):
/// <code>
/// or      := and ('or' and)*
/// and     := unary ('and' unary)*
/// unary   := 'not' unary | primary
/// primary := '(' or ')' | operand [ cmp operand | ['not'] 'in' list | 'contains'|'startsWith'|'endsWith' operand
///                                  | 'is' ['not'] 'null' ]
/// operand := field | 'string' | number | true | false | null
/// </code>
/// A bare field or literal used as a condition is true when it is the boolean true.
/// Bounded, so no condition can exhaust the stack or the processor: see <see cref="MaxLength"/>,
/// <see cref="MaxDepth"/>, <see cref="MaxTests"/> and <see cref="MaxListItems"/>.
/// </summary>
internal sealed class ConditionCompiler
{
    /// <summary>Characters in one condition (a long list of postal codes fits).</summary>
    public const int MaxLength = 65_536;

    /// <summary>Nesting of parentheses and <c>not</c>: the parser and the compiled condition recurse this deep, no deeper.</summary>
    public const int MaxDepth = 32;

    /// <summary>Tests (comparisons, <c>in</c>, <c>is null</c>, text tests, bare fields) in one condition.</summary>
    public const int MaxTests = 1_000;

    /// <summary>Items over all the lists of one condition.</summary>
    public const int MaxListItems = 10_000;

    private readonly string _source;
    private readonly List<Token> _tokens;
    private int _i;
    private int _depth;
    private int _tests;
    private int _listItems;

    private ConditionCompiler(string source, List<Token> tokens)
    {
        _source = source;
        _tokens = tokens;
    }

    public static ConditionResult Compile(string source)
    {
        if (source.Length > MaxLength)
        {
            return new ConditionResult(null, new ConditionError(MaxLength + 1, $"a condition may be at most {MaxLength:N0} characters long; this one has {source.Length:N0}"));
        }

        try
        {
            var tokens = Tokenize(source);
            var compiler = new ConditionCompiler(source, tokens);
            var body = compiler.ParseOr();
            if (compiler.Peek.Kind != TokenKind.End)
            {
                throw Fail(compiler.Peek, $"unexpected '{compiler.Peek.Text}'; expected 'and', 'or' or the end");
            }

            return new ConditionResult(new Condition(source, body), null);
        }
        catch (ParseException e)
        {
            return new ConditionResult(null, new ConditionError(e.Position, e.Message));
        }
    }

    private Token Peek => _tokens[_i];

    private Token Next() => _tokens[_i++];

    private bool AcceptWord(string word)
    {
        if (Peek.Kind == TokenKind.Word && Peek.Text.Equals(word, StringComparison.OrdinalIgnoreCase))
        {
            _i++;
            return true;
        }

        return false;
    }

    private bool AcceptSymbol(string symbol)
    {
        if (Peek.Kind == TokenKind.Symbol && Peek.Text == symbol)
        {
            _i++;
            return true;
        }

        return false;
    }

    // A chain of 'or' (or 'and') is one array tried in a loop, not a closure per term: evaluating a
    // long chain then needs no deeper stack than a short one.
    private Func<Lead, bool> ParseOr()
    {
        var first = ParseAnd();
        if (!(AcceptWord("or") || AcceptSymbol("||")))
        {
            return first;
        }

        var terms = new List<Func<Lead, bool>> { first };
        do
        {
            terms.Add(ParseAnd());
        }
        while (AcceptWord("or") || AcceptSymbol("||"));

        var all = terms.ToArray();
        return lead =>
        {
            foreach (var term in all)
            {
                if (term(lead))
                {
                    return true;
                }
            }

            return false;
        };
    }

    private Func<Lead, bool> ParseAnd()
    {
        var first = ParseUnary();
        if (!(AcceptWord("and") || AcceptSymbol("&&")))
        {
            return first;
        }

        var terms = new List<Func<Lead, bool>> { first };
        do
        {
            terms.Add(ParseUnary());
        }
        while (AcceptWord("and") || AcceptSymbol("&&"));

        var all = terms.ToArray();
        return lead =>
        {
            foreach (var term in all)
            {
                if (!term(lead))
                {
                    return false;
                }
            }

            return true;
        };
    }

    private Func<Lead, bool> ParseUnary()
    {
        var not = Peek;
        if (AcceptWord("not") || AcceptSymbol("!"))
        {
            Enter(not);
            var inner = ParseUnary();
            _depth--;
            return lead => !inner(lead);
        }

        return ParsePrimary();
    }

    /// <summary>One level deeper into parentheses or <c>not</c>, refused past <see cref="MaxDepth"/>.</summary>
    private void Enter(Token at)
    {
        if (++_depth > MaxDepth)
        {
            throw Fail(at, $"conditions nest at most {MaxDepth} deep (parentheses and 'not')");
        }
    }

    private Func<Lead, bool> ParsePrimary()
    {
        var open = Peek;
        if (AcceptSymbol("("))
        {
            Enter(open);
            var inner = ParseOr();
            if (!AcceptSymbol(")"))
            {
                throw Fail(Peek, "expected ')'");
            }

            _depth--;
            return inner;
        }

        if (++_tests > MaxTests)
        {
            throw Fail(Peek, $"a condition may hold at most {MaxTests:N0} tests; split it over several rules");
        }

        var left = ParseOperand();
        var op = Peek;

        if (op.Kind == TokenKind.Symbol && op.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            _i++;
            var right = ParseOperand();
            CheckComparable(left, right, op);
            return Comparison(op.Text, left.Read, right.Read);
        }

        if (op.IsWord("is"))
        {
            _i++;
            var negate = AcceptWord("not");
            if (!AcceptWord("null"))
            {
                throw Fail(Peek, "expected 'null' after 'is'");
            }

            var read = left.Read;
            return negate ? lead => !read(lead).IsNull : lead => read(lead).IsNull;
        }

        if (op.IsWord("not") && _tokens[_i + 1].IsWord("in"))
        {
            _i += 2;
            var inList = InList(left, ParseList());
            return lead => !inList(lead);
        }

        if (op.IsWord("in"))
        {
            _i++;
            return InList(left, ParseList());
        }

        if (op.IsWord("contains") || op.IsWord("startsWith") || op.IsWord("endsWith"))
        {
            _i++;
            var right = ParseOperand();
            if (left.Kind is ValueKind.Number or ValueKind.Bool || right.Kind is ValueKind.Number or ValueKind.Bool)
            {
                throw Fail(op, $"'{op.Text}' works on text; '{left.Text}' or '{right.Text}' is not text");
            }

            return StringTest(op.Text.ToLowerInvariant(), left.Read, right.Read);
        }

        // A bare operand: true when it is the boolean true (e.g. attributes.vip).
        if (left.Kind is ValueKind.Number or ValueKind.String)
        {
            throw Fail(op.Kind == TokenKind.End ? op : op, $"'{left.Text}' is not a condition; compare it with ==, !=, <, >, in, contains, startsWith, endsWith or 'is null'");
        }

        var bare = left.Read;
        return lead => bare(lead) is { Kind: ValueKind.Bool, Bool: true };
    }

    private static Func<Lead, bool> Comparison(string op, Func<Lead, ConditionValue> l, Func<Lead, ConditionValue> r) => op switch
    {
        "==" => lead => l(lead).EqualsValue(r(lead)),
        "!=" => lead => !l(lead).EqualsValue(r(lead)),
        "<" => lead => l(lead).CompareTo(r(lead)) is < 0,
        "<=" => lead => l(lead).CompareTo(r(lead)) is <= 0,
        ">" => lead => l(lead).CompareTo(r(lead)) is > 0,
        _ => lead => l(lead).CompareTo(r(lead)) is >= 0,
    };

    private static Func<Lead, bool> StringTest(string op, Func<Lead, ConditionValue> l, Func<Lead, ConditionValue> r) =>
        lead =>
        {
            var a = l(lead);
            var b = r(lead);
            if (a.Kind != ValueKind.String || b.Kind != ValueKind.String)
            {
                return false;
            }

            return op switch
            {
                "contains" => a.Text!.Contains(b.Text!, StringComparison.OrdinalIgnoreCase),
                "startswith" => a.Text!.StartsWith(b.Text!, StringComparison.OrdinalIgnoreCase),
                _ => a.Text!.EndsWith(b.Text!, StringComparison.OrdinalIgnoreCase),
            };
        };

    private static Func<Lead, bool> InList(Operand left, List<ConditionValue> values)
    {
        var read = left.Read;
        var items = values.ToArray();
        return lead =>
        {
            var v = read(lead);
            foreach (var item in items)
            {
                if (v.EqualsValue(item))
                {
                    return true;
                }
            }

            return false;
        };
    }

    private List<ConditionValue> ParseList()
    {
        var open = Peek;
        if (!AcceptSymbol("["))
        {
            throw Fail(open, "expected '[' to start a list, e.g. ['US', 'CA']");
        }

        var values = new List<ConditionValue>();
        if (AcceptSymbol("]"))
        {
            return values;
        }

        do
        {
            var item = ParseOperand();
            if (item.Literal is not { } literal)
            {
                throw Fail(_tokens[_i - 1], "list items must be literals (strings, numbers, true, false, null)");
            }

            if (++_listItems > MaxListItems)
            {
                throw Fail(_tokens[_i - 1], $"the lists of one condition may hold at most {MaxListItems:N0} items in all");
            }

            values.Add(literal);
        }
        while (AcceptSymbol(","));

        if (!AcceptSymbol("]"))
        {
            throw Fail(Peek, "expected ',' or ']' in the list");
        }

        return values;
    }

    private Operand ParseOperand()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.String:
                return Operand.Constant(ConditionValue.Of(t.Text), $"'{t.Text}'");
            case TokenKind.Number:
                return Operand.Constant(ConditionValue.Of(double.Parse(t.Text, CultureInfo.InvariantCulture)), t.Text);
            case TokenKind.Word when t.IsWord("true"):
                return Operand.Constant(ConditionValue.Of(true), "true");
            case TokenKind.Word when t.IsWord("false"):
                return Operand.Constant(ConditionValue.Of(false), "false");
            case TokenKind.Word when t.IsWord("null"):
                return Operand.Constant(ConditionValue.Null, "null");
            case TokenKind.Word when IsKeyword(t.Text):
                throw Fail(t, $"expected a field or a value, found the keyword '{t.Text}'");
            case TokenKind.Word:
                if (_tokens[_i].Kind == TokenKind.Symbol && _tokens[_i].Text == "(")
                {
                    throw Fail(t, $"'{t.Text}(...)': function calls are not allowed in conditions");
                }

                if (!LeadFields.TryGet(t.Text, out var kind, out var read))
                {
                    throw Fail(t, $"unknown field '{t.Text}'; use one of {string.Join(", ", LeadFields.Names)} or attributes.<name>");
                }

                return new Operand(kind, read, null, t.Text);
            case TokenKind.End:
                throw Fail(t, "expression ends too early; expected a field or a value");
            default:
                throw Fail(t, $"unexpected '{t.Text}'; expected a field or a value");
        }
    }

    private static void CheckComparable(Operand left, Operand right, Token op)
    {
        if (left.Kind is { } a && right.Kind is { } b && a != ValueKind.Null && b != ValueKind.Null && a != b)
        {
            throw Fail(op, $"cannot compare {Describe(left)} with {Describe(right)}");
        }

        if (op.Text is "<" or "<=" or ">" or ">=" && (left.Kind == ValueKind.Bool || right.Kind == ValueKind.Bool))
        {
            throw Fail(op, $"'{op.Text}' cannot order true/false");
        }
    }

    private static string Describe(Operand o) => $"{o.Text} ({o.Kind?.ToString().ToLowerInvariant()})";

    private static bool IsKeyword(string word) =>
        word.ToLowerInvariant() is "and" or "or" or "not" or "in" or "is" or "contains" or "startswith" or "endswith";

    private static ParseException Fail(Token t, string message) => new(t.Position, message);

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c is '\'' or '"')
            {
                var quote = c;
                var sb = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= s.Length)
                    {
                        throw new ParseException(start + 1, "text is not closed; add the closing quote");
                    }

                    if (s[i] == quote)
                    {
                        // A doubled quote inside text stands for one quote: 'O''Brien'.
                        if (i + 1 < s.Length && s[i + 1] == quote)
                        {
                            sb.Append(quote);
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    sb.Append(s[i++]);
                }

                tokens.Add(new Token(TokenKind.String, sb.ToString(), start + 1));
            }
            else if (char.IsDigit(c) || (c == '-' && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                i++;
                while (i < s.Length && (char.IsDigit(s[i]) || s[i] == '.' || s[i] == '_'))
                {
                    i++;
                }

                var text = s[start..i].Replace("_", "", StringComparison.Ordinal);
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
                {
                    throw new ParseException(start + 1, $"'{s[start..i]}' is not a number");
                }

                tokens.Add(new Token(TokenKind.Number, text, start + 1));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                i++;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.' or '-'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Word, s[start..i].TrimEnd('.'), start + 1));
            }
            else
            {
                var two = i + 1 < s.Length ? s.Substring(i, 2) : "";
                if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two, start + 1));
                    i += 2;
                }
                else if (c is '<' or '>' or '(' or ')' or '[' or ']' or ',' or '!')
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString(), start + 1));
                    i++;
                }
                else if (c == '=')
                {
                    throw new ParseException(start + 1, "use '==' to compare");
                }
                else
                {
                    throw new ParseException(start + 1, $"unexpected character '{c}'");
                }
            }
        }

        tokens.Add(new Token(TokenKind.End, "end of expression", s.Length + 1));
        return tokens;
    }

    private enum TokenKind
    {
        Word,
        String,
        Number,
        Symbol,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, int Position)
    {
        public bool IsWord(string word) => Kind == TokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A field or literal; Kind is null when only known at run time (attributes).</summary>
    private sealed record Operand(ValueKind? Kind, Func<Lead, ConditionValue> Read, ConditionValue? Literal, string Text)
    {
        public static Operand Constant(ConditionValue v, string text) => new(v.Kind, _ => v, v, text);
    }

    private sealed class ParseException(int position, string message) : Exception(message)
    {
        public int Position { get; } = position;
    }
}
