namespace Kiln.Dockerfile.Instructions;

/// <summary>
/// Splits one CSV record the way Go's <c>encoding/csv</c> (and BuildKit's <c>csvvalue</c>) reads
/// <c>--mount</c> and <c>--device</c> values: commas separate fields; a field that starts with <c>"</c>
/// is quoted and <c>""</c> inside it is one quote; a quote inside an unquoted field is an error.
/// </summary>
internal static class CsvFields
{
    public static bool TrySplit(string text, out List<string> fields, out string? error)
    {
        fields = [];
        error = null;
        var i = 0;
        while (true)
        {
            var field = new System.Text.StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        closed = true;
                        i++;
                        break;
                    }

                    field.Append(text[i]);
                    i++;
                }

                if (!closed || (i < text.Length && text[i] != ','))
                {
                    error = "extraneous or missing \" in quoted-field";
                    return false;
                }
            }
            else
            {
                while (i < text.Length && text[i] != ',')
                {
                    if (text[i] == '"')
                    {
                        error = "bare \" in non-quoted-field";
                        return false;
                    }

                    field.Append(text[i]);
                    i++;
                }
            }

            fields.Add(field.ToString());
            if (i >= text.Length)
            {
                return true;
            }

            // Skip the comma; a trailing comma yields a final empty field, as in Go.
            i++;
        }
    }
}
