namespace Kiln.Build.Ports;

/// <summary>Writes config and manifest into the store and then every requested output (the exporter knows them).</summary>
public interface IImageExporter
{
    Task<ExportResult> ExportAsync(BuiltImage image, CancellationToken cancellationToken);
}
