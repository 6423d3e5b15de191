"""Read chest X-ray images (PNG, JPEG, DICOM): metadata and pixels as float32 in [0, 1].

PNG/JPEG are read with Pillow (8-bit values / 255, 16-bit / 65535; colour images stay RGB).
DICOM is read with pydicom: the modality LUT (rescale) and, when the file has one, the VOI LUT
(window) are applied, the result is scaled to [0, 1] by its own minimum and maximum, and
``MONOCHROME1`` images are inverted so that bright always means dense. Compressed DICOM needs a
decoder plugin: JPEG baseline (``1.2.840.10008.1.2.4.50``) decodes with Pillow alone; JPEG
lossless/2000 need ``pylibjpeg`` + ``pylibjpeg-libjpeg``/``-openjpeg`` (or ``gdcm``).

Examples
--------
>>> image = read_image("chest.png")
>>> image.pixels.dtype, image.width, image.height
(dtype('float32'), 8, 6)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from medkg.errors import InputFileError, ParseError

log = logging.getLogger(__name__)

_DICOM_SUFFIXES = (".dcm", ".dicom")
_FIELDS = {  # DICOM keyword -> metadata key kept on ImageData (no patient identifiers)
    "StudyInstanceUID": "study_uid",
    "SeriesInstanceUID": "series_uid",
    "SOPInstanceUID": "sop_uid",
    "BodyPartExamined": "body_part",
    "PhotometricInterpretation": "photometric",
    "BitsStored": "bits_stored",
}


@dataclass(frozen=True, slots=True, eq=False)
class ImageData:
    """One image: pixels (None when only metadata was read) and what its file says about it.

    ``pixels`` is float32 in [0, 1], shape (height, width) for grayscale or (height, width, 3).
    """

    path: str
    format: str  # "dicom", "png", "jpeg", ...
    width: int
    height: int
    pixels: np.ndarray | None = None
    modality: str | None = None  # DICOM Modality (CR, DX, ...); None for PNG/JPEG
    view_position: str | None = None  # DICOM ViewPosition (PA, AP, LL, ...)
    metadata: dict[str, str] = field(default_factory=dict)


def is_dicom(path: Path) -> bool:
    """True for ``.dcm`` names or files with the ``DICM`` marker at byte 128."""
    if path.suffix.lower() in _DICOM_SUFFIXES:
        return True
    try:
        with path.open("rb") as f:
            head = f.read(132)
    except OSError:
        return False
    return len(head) == 132 and head[128:] == b"DICM"


def read_image(path: str | Path, *, pixels: bool = True) -> ImageData:
    """Read an image file.

    Parameters
    ----------
    path:
        A PNG, JPEG (or any format Pillow reads) or DICOM file.
    pixels:
        False reads the header only (fast: size, modality, view position).

    Returns
    -------
    ImageData

    Raises
    ------
    InputFileError
        The file is missing, unreadable, or needs a decoder that is not installed.
    ParseError
        The file is damaged or not an image.

    Examples
    --------
    >>> read_image("chest.dcm", pixels=False).view_position
    'PA'
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError("image file not found", path=p)
    return _read_dicom(p, pixels) if is_dicom(p) else _read_pillow(p, pixels)


def _read_pillow(path: Path, pixels: bool) -> ImageData:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            fmt = (im.format or path.suffix.lstrip(".")).lower()
            width, height, mode = im.width, im.height, im.mode
            if not pixels:
                return ImageData(str(path), fmt, width, height, metadata={"mode": mode})
            im.load()
            array = _pillow_array(im)
    except UnidentifiedImageError as exc:
        raise ParseError("not an image Pillow can read", path=path, hint="the file may be damaged") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ParseError(
            f"damaged image: {exc}", path=path, hint="re-export or re-download the file"
        ) from exc
    return ImageData(str(path), fmt, width, height, array, metadata={"mode": mode})


def _pillow_array(im) -> np.ndarray:  # noqa: ANN001 - a PIL image
    if im.mode in ("I;16", "I;16B", "I;16L"):
        return (np.asarray(im, dtype=np.uint16).astype(np.float32) / 65535.0).astype(np.float32)
    if im.mode in ("I", "F"):
        return _minmax(np.asarray(im, dtype=np.float32))
    if im.mode in ("L", "P", "1", "LA"):
        im = im.convert("L")
    elif im.mode != "RGB":
        im = im.convert("RGB")
    return np.asarray(im, dtype=np.float32) / np.float32(255.0)


def _minmax(array: np.ndarray) -> np.ndarray:
    array = array.astype(np.float32, copy=False)
    lo, hi = float(array.min()), float(array.max())
    if hi <= lo:
        return np.zeros_like(array, dtype=np.float32)
    return ((array - lo) / (hi - lo)).astype(np.float32)


def _read_dicom(path: Path, pixels: bool) -> ImageData:
    import pydicom
    from pydicom.errors import BytesLengthException, InvalidDicomError

    damaged = (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError, BytesLengthException)
    try:
        ds = pydicom.dcmread(path, stop_before_pixels=not pixels)
    except InvalidDicomError as exc:
        raise ParseError(f"not a DICOM file: {exc}", path=path) from exc
    except damaged as exc:
        raise ParseError(f"damaged DICOM file: {exc}", path=path, hint="re-download the file") from exc
    try:  # pydicom parses elements lazily: a damaged header can fail on first access
        width, height = int(ds.get("Columns", 0) or 0), int(ds.get("Rows", 0) or 0)
        meta = {
            key: str(ds.get(keyword))
            for keyword, key in _FIELDS.items()
            if ds.get(keyword) not in (None, "")
        }
        syntax = getattr(getattr(ds, "file_meta", None), "TransferSyntaxUID", None)
        if syntax is not None:
            meta["transfer_syntax"] = str(syntax)
        view = str(ds.get("ViewPosition", "") or "").strip().upper() or None
        modality = str(ds.get("Modality", "") or "").strip() or None
        array = _dicom_pixels(ds, path) if pixels else None
    except damaged as exc:
        raise ParseError(f"damaged DICOM file: {exc}", path=path, hint="re-download the file") from exc
    return ImageData(str(path), "dicom", width, height, array, modality, view, meta)


def _dicom_pixels(ds, path: Path) -> np.ndarray:  # noqa: ANN001 - a pydicom Dataset
    from pydicom.pixels import apply_modality_lut, apply_voi_lut

    if "PixelData" not in ds:
        raise ParseError("DICOM file has no pixel data", path=path)
    try:
        raw = ds.pixel_array
    except (NotImplementedError, RuntimeError) as exc:
        syntax = getattr(ds.file_meta, "TransferSyntaxUID", "?")
        if (
            "plugin" in str(exc).lower()
            or "decod" in str(exc).lower()
            or isinstance(exc, NotImplementedError)
        ):
            raise InputFileError(
                f"no installed decoder for transfer syntax {syntax} ({getattr(syntax, 'name', '')})",
                path=path,
                hint="pip install pylibjpeg pylibjpeg-libjpeg pylibjpeg-openjpeg (or python-gdcm)",
            ) from exc
        raise ParseError(f"damaged DICOM pixel data: {exc}", path=path) from exc
    except (ValueError, EOFError, OSError, KeyError, AttributeError) as exc:
        raise ParseError(f"damaged DICOM pixel data: {exc}", path=path, hint="re-download the file") from exc
    if raw.ndim == 3 and ds.get("SamplesPerPixel", 1) == 1:
        log.info("%s: %d frames; using the first", path, raw.shape[0])
        raw = raw[0]
    array = apply_modality_lut(raw, ds)
    if "WindowCenter" in ds or "VOILUTSequence" in ds:
        array = apply_voi_lut(array, ds)
    if ds.get("SamplesPerPixel", 1) != 1:
        return _minmax(np.asarray(array))
    out = _minmax(np.asarray(array))
    if str(ds.get("PhotometricInterpretation", "")).upper() == "MONOCHROME1":
        out = (np.float32(1.0) - out).astype(np.float32)
    return out
