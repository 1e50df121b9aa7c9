namespace Distill.Data;

/// <summary>How pixel values in [0, 1] are standardised before a model sees them (<c>--normalize</c>).</summary>
public enum InputNormalization
{
    /// <summary>Per-channel mean and standard deviation measured on the training set (or a known set's fixed statistics).</summary>
    Dataset,

    /// <summary>
    /// ImageNet's mean (0.485, 0.456, 0.406) and standard deviation (0.229, 0.224, 0.225), as torchvision's
    /// pretrained weights expect; a 1-channel image (repeated into three by the model) takes their averages.
    /// </summary>
    Imagenet,

    /// <summary>Pixels / 255 as they are, in [0, 1].</summary>
    None,
}
