namespace Distill.Data;

/// <summary>The kinds of data source Distill reads; <see cref="DataSources"/> maps each to its reader.</summary>
public enum DataFormat
{
    /// <summary>A folder with the four IDX files of MNIST-style data sets.</summary>
    Idx,

    /// <summary>The binary version of CIFAR-10 (data_batch_N.bin, test_batch.bin) or CIFAR-100 (train.bin, test.bin).</summary>
    Cifar,

    /// <summary>A folder of PNG, JPEG or BMP images, one subfolder per class.</summary>
    Images,

    /// <summary>A CSV table with a header, a label column and numeric features.</summary>
    Csv,
}
