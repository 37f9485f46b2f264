namespace Kiln.Dockerfile.Stages;

/// <summary>
/// The named context that a name written in the Dockerfile (a FROM base, an <c>AS</c> name, a <c>--from</c> value)
/// stands for, or null. BuildKit matches them as image references (<c>docker.io/library/alpine:latest</c> is
/// <c>alpine</c>), which needs the image side: the engine answers, the frontend stays pure.
/// </summary>
public delegate NamedContext? NamedContextLookup(string name);
