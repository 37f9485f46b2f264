using Kiln.Dockerfile.Text;

namespace Kiln.Dockerfile.Syntax;

/// <summary>A parser directive such as <c># escape=`</c>; the name is lower-cased, the value as written.</summary>
public sealed record ParserDirective(string Name, string Value, SourceSpan Span);
