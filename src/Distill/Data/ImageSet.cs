namespace Distill.Data;

/// <summary>Raw 8-bit images as read from an IDX file, row-major, one image after another.</summary>
public sealed record ImageSet(byte[] Pixels, int Count, int Rows, int Columns);
