using System.Collections.Immutable;
using Kiln.Oci;

namespace Kiln.Build.Export;

/// <summary>
/// One <c>--output</c> (<c>-o</c>) value, parsed as docker buildx parses it: comma-separated <c>key=value</c> pairs
/// (CSV, so a value with a comma is quoted: <c>"dest=a,b"</c>), <c>type</c> first by convention but anywhere; a
/// value without <c>=</c> is the shorthand for <c>type=local,dest=VALUE</c>, and <c>-</c> alone is a tar on stdout.
/// </summary>
/// <param name="Destination">dest: a file (oci, docker, tar; <c>-</c> for stdout) or a directory (local).</param>
/// <param name="Names">name: the image names (image, oci, docker), several comma-separated inside quotes.</param>
public sealed record OutputSpec(OutputType Type, string? Destination, ImmutableArray<ImageReference> Names, bool Push)
{
    public static OutputSpec Default { get; } = new(OutputType.Image, null, [], false);

    public static OutputSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            throw new OutputSpecException("--output needs a value, e.g. type=local,dest=out");
        }

        if (text == "-")
        {
            return new OutputSpec(OutputType.Tar, "-", [], false);
        }

        var fields = SplitCsv(text);
        if (fields.Count == 1 && !fields[0].Contains('=', StringComparison.Ordinal))
        {
            return new OutputSpec(OutputType.Local, fields[0], [], false);
        }

        OutputType? type = null;
        string? destination = null;
        var names = ImmutableArray.CreateBuilder<ImageReference>();
        var push = false;
        foreach (var field in fields)
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new OutputSpecException($"invalid --output field \"{field}\": expected key=value");
            }

            var key = field[..equals].Trim().ToLowerInvariant();
            var value = field[(equals + 1)..];
            switch (key)
            {
                case "type":
                    type = value.ToLowerInvariant() switch
                    {
                        "image" or "registry" => OutputType.Image,
                        "local" => OutputType.Local,
                        "tar" => OutputType.Tar,
                        "oci" => OutputType.Oci,
                        "docker" => OutputType.Docker,
                        _ => throw new OutputSpecException($"unknown --output type \"{value}\": use image, registry, local, tar, oci or docker"),
                    };
                    push |= value.Equals("registry", StringComparison.OrdinalIgnoreCase);
                    break;
                case "dest":
                    destination = value;
                    break;
                case "name":
                    foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        names.Add(ImageReference.TryParse(name, out var reference, out var error)
                            ? reference
                            : throw new OutputSpecException($"invalid --output name \"{name}\": {error}"));
                    }

                    break;
                case "push":
                    push = value.ToLowerInvariant() switch
                    {
                        "true" or "1" or "" => true,
                        "false" or "0" => false,
                        _ => throw new OutputSpecException($"invalid --output push=\"{value}\": use true or false"),
                    };
                    break;
                default:
                    throw new OutputSpecException($"--output {key}= is not supported (kiln knows type, dest, name and push)");
            }
        }

        var spec = new OutputSpec(type ?? throw new OutputSpecException($"--output \"{text}\" has no type=: use type=image, local, tar, oci or docker"), destination, names.ToImmutable(), push);
        return spec.Validate();
    }

    private OutputSpec Validate()
    {
        if (Type is OutputType.Local or OutputType.Tar or OutputType.Oci or OutputType.Docker && string.IsNullOrEmpty(Destination))
        {
            throw new OutputSpecException($"--output type={Type.ToString().ToLowerInvariant()} needs dest=PATH");
        }

        if (Type == OutputType.Local && Destination == "-")
        {
            throw new OutputSpecException("--output type=local writes a directory; use type=tar,dest=- for stdout");
        }

        if (Push && Type != OutputType.Image)
        {
            throw new OutputSpecException("push=true works with type=image only");
        }

        return this;
    }

    /// <summary>
    /// The outputs of one build: <c>--push</c> (buildx's shorthand for type=registry) turns push on for the image
    /// output, and a push needs a name from <c>name=</c> or <c>-t</c>.
    /// </summary>
    public static ImmutableArray<OutputSpec> Combine(IReadOnlyList<OutputSpec> outputs, bool push, IReadOnlyCollection<ImageReference> tags)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(tags);
        var combined = outputs.Count == 0 ? [Default] : outputs.ToImmutableArray();
        if (push)
        {
            if (combined.FirstOrDefault(o => o.Type != OutputType.Image) is { } other)
            {
                throw new OutputSpecException($"--push pushes the image; it cannot go with --output type={other.Type.ToString().ToLowerInvariant()}");
            }

            combined = [.. combined.Select(o => o with { Push = true })];
        }

        if (tags.Count == 0 && combined.Any(o => o.Push && o.Names.IsEmpty))
        {
            throw new OutputSpecException("a push needs a name: -t registry/repo:tag, or --output type=image,name=registry/repo:tag,push=true");
        }

        return combined;
    }

    // encoding/csv as buildx uses it: fields split on commas, a field may be quoted with "" and "" inside means ".
    private static List<string> SplitCsv(string text)
    {
        var fields = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        var atFieldStart = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"' && atFieldStart)
            {
                quoted = true;
                atFieldStart = false;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
                atFieldStart = true;
            }
            else
            {
                current.Append(c);
                atFieldStart = false;
            }
        }

        if (quoted)
        {
            throw new OutputSpecException($"--output \"{text}\" has an unterminated quote");
        }

        fields.Add(current.ToString());
        return fields;
    }
}
