using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>
/// Just enough of Go's <c>encoding/json</c> <c>Unmarshal</c> for the two places BuildKit's parser uses it:
/// an exec-form array (<c>[]interface{}</c>) and the JSON syntax directive (<c>map[string]any</c>).
/// Go's rules kept here: the whole text must be one value plus JSON white space; control characters in
/// strings are invalid; nesting deeper than 10000 is invalid; a number outside float64 range makes the
/// decode fail (Go's UnmarshalTypeError); unpaired <c>\u</c> surrogates decode to U+FFFD.
/// The scanner is iterative so hostile nesting cannot overflow the stack.
/// </summary>
internal static class GoJson
{
    private const int MaxNestingDepth = 10000;

    /// <summary>BuildKit's <c>parseJSON</c>: leading Unicode space is skipped, then the text must be a JSON array.</summary>
    public static JsonArrayResult ParseStringArray(string rest)
    {
        var text = GoText.TrimLeftSpace(rest);
        if (!text.StartsWith('['))
        {
            return new JsonArrayResult(JsonArrayOutcome.NotJson, []);
        }

        var members = new List<Member>();
        if (!TryWalk(text, members, out var topLevel) || topLevel != '[')
        {
            return new JsonArrayResult(JsonArrayOutcome.NotJson, []);
        }

        var values = ImmutableArray.CreateBuilder<string>(members.Count);
        foreach (var member in members)
        {
            if (member.StringValue is null)
            {
                return new JsonArrayResult(JsonArrayOutcome.NotStringArray, []);
            }

            values.Add(member.StringValue);
        }

        return new JsonArrayResult(JsonArrayOutcome.StringArray, values.MoveToImmutable());
    }

    /// <summary>
    /// Unmarshal into <c>map[string]any</c> and look up <paramref name="key"/>: true only when the whole text
    /// is a JSON object whose (last) member of that name is a string.
    /// </summary>
    public static bool TryGetStringMember(string text, string key, out string value)
    {
        value = string.Empty;
        var members = new List<Member>();
        if (!TryWalk(text, members, out var topLevel) || topLevel != '{')
        {
            return false;
        }

        var found = false;
        foreach (var member in members)
        {
            if (string.Equals(member.Key, key, StringComparison.Ordinal))
            {
                found = member.StringValue is not null;
                value = member.StringValue ?? string.Empty;
            }
        }

        return found;
    }

    private readonly record struct Member(string? Key, string? StringValue);

    private enum State
    {
        Value,
        FirstValueOrEnd,
        Key,
        FirstKeyOrEnd,
        AfterValue,
    }

    /// <summary>
    /// Validates the whole text and collects the direct members of the top-level container: for each one
    /// its key (objects only) and its string value, or null when it is not a string.
    /// </summary>
    private static bool TryWalk(string text, List<Member> members, out char topLevel)
    {
        topLevel = '\0';
        var stack = new Stack<char>();
        var pos = SkipWhitespace(text, 0);
        var state = State.Value;
        string? pendingKey = null;
        while (true)
        {
            switch (state)
            {
                case State.Value:
                case State.FirstValueOrEnd:
                {
                    if (pos >= text.Length)
                    {
                        return false;
                    }

                    var c = text[pos];
                    if (state == State.FirstValueOrEnd && c == ']')
                    {
                        pos++;
                        stack.Pop();
                        state = State.AfterValue;
                        break;
                    }

                    var isDirectMember = stack.Count == 1;
                    if (c is '[' or '{')
                    {
                        if (stack.Count == 0)
                        {
                            topLevel = c;
                        }

                        if (isDirectMember)
                        {
                            members.Add(new Member(pendingKey, null));
                        }

                        if (stack.Count + 1 > MaxNestingDepth)
                        {
                            return false;
                        }

                        stack.Push(c);
                        pos = SkipWhitespace(text, pos + 1);
                        state = c == '[' ? State.FirstValueOrEnd : State.FirstKeyOrEnd;
                        break;
                    }

                    string? stringValue = null;
                    if (c == '"')
                    {
                        if (!TryReadString(text, ref pos, out var s))
                        {
                            return false;
                        }

                        stringValue = s;
                    }
                    else if (!TryReadLiteralOrNumber(text, ref pos))
                    {
                        return false;
                    }

                    if (stack.Count == 0)
                    {
                        topLevel = c == '"' ? '"' : '0';
                    }

                    if (isDirectMember)
                    {
                        members.Add(new Member(pendingKey, stringValue));
                    }

                    state = State.AfterValue;
                    break;
                }

                case State.Key:
                case State.FirstKeyOrEnd:
                {
                    if (pos >= text.Length)
                    {
                        return false;
                    }

                    if (state == State.FirstKeyOrEnd && text[pos] == '}')
                    {
                        pos++;
                        stack.Pop();
                        state = State.AfterValue;
                        break;
                    }

                    if (text[pos] != '"' || !TryReadString(text, ref pos, out var key))
                    {
                        return false;
                    }

                    pos = SkipWhitespace(text, pos);
                    if (pos >= text.Length || text[pos] != ':')
                    {
                        return false;
                    }

                    pendingKey = stack.Count == 1 ? key : pendingKey;
                    pos = SkipWhitespace(text, pos + 1);
                    state = State.Value;
                    break;
                }

                case State.AfterValue:
                {
                    pos = SkipWhitespace(text, pos);
                    if (stack.Count == 0)
                    {
                        return pos == text.Length;
                    }

                    if (pos >= text.Length)
                    {
                        return false;
                    }

                    var container = stack.Peek();
                    var c = text[pos];
                    if (c == ',')
                    {
                        pos = SkipWhitespace(text, pos + 1);
                        state = container == '[' ? State.Value : State.Key;
                    }
                    else if ((container == '[' && c == ']') || (container == '{' && c == '}'))
                    {
                        pos++;
                        stack.Pop();
                    }
                    else
                    {
                        return false;
                    }

                    break;
                }

                default:
                    return false;
            }
        }
    }

    private static int SkipWhitespace(string text, int pos)
    {
        while (pos < text.Length && text[pos] is ' ' or '\t' or '\n' or '\r')
        {
            pos++;
        }

        return pos;
    }

    private static bool TryReadString(string text, ref int pos, out string value)
    {
        value = string.Empty;
        var sb = new StringBuilder();
        var i = pos + 1;
        while (true)
        {
            if (i >= text.Length)
            {
                return false;
            }

            var c = text[i];
            if (c == '"')
            {
                pos = i + 1;
                value = sb.ToString();
                return true;
            }

            if (c < 0x20)
            {
                return false;
            }

            if (c != '\\')
            {
                sb.Append(c);
                i++;
                continue;
            }

            if (i + 1 >= text.Length)
            {
                return false;
            }

            var e = text[i + 1];
            switch (e)
            {
                case '"' or '\\' or '/':
                    sb.Append(e);
                    i += 2;
                    break;
                case 'b':
                    sb.Append('\b');
                    i += 2;
                    break;
                case 'f':
                    sb.Append('\f');
                    i += 2;
                    break;
                case 'n':
                    sb.Append('\n');
                    i += 2;
                    break;
                case 'r':
                    sb.Append('\r');
                    i += 2;
                    break;
                case 't':
                    sb.Append('\t');
                    i += 2;
                    break;
                case 'u':
                    if (!TryReadHex4(text, i + 2, out var unit))
                    {
                        return false;
                    }

                    i += 6;
                    if (!char.IsSurrogate(unit))
                    {
                        sb.Append(unit);
                    }
                    else if (char.IsHighSurrogate(unit) && i + 1 < text.Length && text[i] == '\\' && text[i + 1] == 'u'
                        && TryReadHex4(text, i + 2, out var low) && char.IsLowSurrogate(low))
                    {
                        sb.Append(unit).Append(low);
                        i += 6;
                    }
                    else
                    {
                        sb.Append('\uFFFD');
                    }

                    break;
                default:
                    return false;
            }
        }
    }

    private static bool TryReadHex4(string text, int start, out char unit)
    {
        unit = '\0';
        if (start + 4 > text.Length)
        {
            return false;
        }

        var v = 0;
        for (var k = 0; k < 4; k++)
        {
            var d = HexValue(text[start + k]);
            if (d < 0)
            {
                return false;
            }

            v = (v << 4) | d;
        }

        unit = (char)v;
        return true;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool TryReadLiteralOrNumber(string text, ref int pos)
    {
        foreach (var literal in (ReadOnlySpan<string>)["true", "false", "null"])
        {
            if (text.AsSpan(pos).StartsWith(literal, StringComparison.Ordinal))
            {
                pos += literal.Length;
                return true;
            }
        }

        var start = pos;
        var i = pos;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }

        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }

            if (i >= text.Length || !char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        pos = i;

        // Go decodes every number into float64; one that overflows fails the whole Unmarshal.
        return double.TryParse(text.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && !double.IsInfinity(number);
    }
}
