"""DS-06 scikit-image sample images and DS-07 scikit-learn sample photos, read with Pillow from
the files the packages ship (``pip install scikit-image scikit-learn``; neither is imported).

Only images bundled in the wheel are offered; the ones scikit-image fetches from the network on
first use (``brain``, ``cells3d``, ``eagle``, ``kidney``, ``lily``, ``skin``, ...) are refused.
"""
import numpy as np

from ..errors import DataFormatError
from ._source import package_file

__all__ = ["load_image", "load_sample_image", "IMAGES", "SAMPLE_IMAGES"]

# name -> (file under skimage/data, conversion)
IMAGES = {
    "astronaut": ("astronaut.png", None), "brick": ("brick.png", "gray"),
    "camera": ("camera.png", None), "cell": ("cell.png", None),
    "chelsea": ("chelsea.png", None), "cat": ("chelsea.png", None),
    "checkerboard": ("chessboard_GRAY.png", None), "clock": ("clock_motion.png", None),
    "coffee": ("coffee.png", None), "coins": ("coins.png", None),
    "colorwheel": ("color.png", None), "grass": ("grass.png", "gray"),
    "gravel": ("gravel.png", "gray"), "horse": ("horse.png", "bool"),
    "hubble_deep_field": ("hubble_deep_field.jpg", None),
    "immunohistochemistry": ("ihc.png", None), "logo": ("logo.png", None),
    "microaneurysms": ("microaneurysms.png", None), "moon": ("moon.png", None),
    "page": ("page.png", None), "retina": ("retina.jpg", None), "rocket": ("rocket.jpg", None),
    "shepp_logan_phantom": ("phantom.png", "gray"), "text": ("text.png", None),
    "lfw_subset": ("lfw_subset.npy", None),
}
FETCHED = ("brain", "cells3d", "eagle", "human_mitosis", "kidney", "lily",
           "nickel_solidification", "palisades_of_vogt", "protein_transport", "skin", "vortex")
SAMPLE_IMAGES = ("china.jpg", "flower.jpg")


def _read(path):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            return np.asarray(im).copy()
    except (UnidentifiedImageError, OSError) as e:
        raise DataFormatError(f"cannot read image {path} ({e})") from None


def _rgb2gray(rgb):
    """ITU-R 709 luminance in [0, 1] (scikit-image's ``rgb2gray``)."""
    return rgb[..., :3].astype(np.float64) / 255 @ np.array([0.2125, 0.7154, 0.0721])


def load_image(name):
    """A scikit-image sample image as a NumPy array (uint8; ``horse`` bool; ``lfw_subset``
    200×25×25 float; ``shepp_logan_phantom`` float64), identical to ``skimage.data.<name>()``."""
    if name in FETCHED:
        raise ValueError(f"load_image: scikit-image downloads {name!r} on first use; minigrad "
                         f"works offline and only reads bundled images: {sorted(IMAGES)}")
    if name not in IMAGES:
        raise ValueError(f"load_image: unknown image {name!r}; bundled images: {sorted(IMAGES)}")
    fname, conversion = IMAGES[name]
    path = package_file("skimage", "data", fname, what=f"scikit-image image {name!r} (DS-06)")
    if fname.endswith(".npy"):
        try:
            return np.load(path, allow_pickle=False)
        except ValueError as e:
            raise DataFormatError(f"cannot read {path} ({e})") from None
    img = _read(path)
    if conversion == "gray" and img.ndim == 3:
        img = _rgb2gray(img)
    elif conversion == "bool":
        rgb = img[..., :3].astype(np.float64) / 255
        alpha = img[..., 3:4].astype(np.float64) / 255 if img.shape[-1] == 4 else 1.0
        img = (rgb * alpha + (1 - alpha)) @ np.array([0.2125, 0.7154, 0.0721]) > 0.5
    return img


def load_sample_image(name):
    """``china.jpg`` or ``flower.jpg`` (427×640×3 uint8) from scikit-learn (DS-07)."""
    if name not in SAMPLE_IMAGES:
        raise ValueError(f"load_sample_image: name must be one of {SAMPLE_IMAGES}, got {name!r}")
    return _read(package_file("sklearn", "datasets", "images", name, what=f"sample photo {name!r}"))
