namespace Kiln.Dockerfile.Stages;

/// <summary>
/// The environment (<c>Config.Env</c>) of a base image, which a stage's expansions see: the build
/// engine answers from the image config it resolved; <c>--check</c> answers with nothing.
/// </summary>
public delegate IReadOnlyDictionary<string, string> ImageEnvironmentLookup(string reference, Platform? platform);
