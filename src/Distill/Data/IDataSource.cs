namespace Distill.Data;

/// <summary>A reader of one data format, registered in <see cref="DataSources"/>.</summary>
public interface IDataSource
{
    DataFormat Format { get; }

    /// <summary>True when <paramref name="path"/> looks like this format (cheap: names and headers only).</summary>
    bool Recognises(string path);

    /// <summary>Reads the data, checking every file; a bad input is one <see cref="DistillException"/> naming it.</summary>
    SourceData Read(DataRequest request);
}
