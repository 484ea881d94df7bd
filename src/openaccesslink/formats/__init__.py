"""Exercise file formats: our model, the sport mapping, and importers (bytes -> ExerciseData).

``import_file`` picks the importer: a FIT header (".FIT" at bytes 8-12) wins, then the file name's
extension or a bare format name ("fit", "tcx", "gpx"), then the XML root element. Gzip-compressed
input (e.g. ``.tcx.gz``) is unpacked first, up to ``MAX_UNPACKED_BYTES``. The importers are imported
lazily so that ``formats.model`` stays cheap to import.
"""

from __future__ import annotations

import zlib

from .model import ExerciseData, FileRejected

MAX_UNPACKED_BYTES = 64 * 1024 * 1024
FORMATS = ("fit", "tcx", "gpx")


def detect_format(data: bytes, filename_or_format: str = "") -> str | None:
    """ "fit", "tcx", "gpx" or None."""
    if len(data) >= 12 and data[8:12] == b".FIT":
        return "fit"
    name = filename_or_format.strip().lower().removesuffix(".gz")
    extension = name.rpartition(".")[2]
    if extension in FORMATS:
        return extension
    head = data[:4096]
    if b"<gpx" in head:
        return "gpx"
    if b"TrainingCenterDatabase" in head:
        return "tcx"
    return None


def import_file(data: bytes, filename_or_format: str = "") -> ExerciseData:
    """Import a FIT, TCX or GPX file; raises FileRejected (and nothing else) for bad input."""
    data = _gunzip(bytes(data))
    kind = detect_format(data, filename_or_format)
    if kind == "fit":
        from .fit_import import import_fit

        return import_fit(data)
    if kind == "tcx":
        from .tcx_import import import_tcx

        return import_tcx(data)
    if kind == "gpx":
        from .gpx_import import import_gpx

        return import_gpx(data)
    if not data:
        raise FileRejected("The file is empty")
    raise FileRejected("Unsupported file format: expected a FIT, TCX or GPX file")


def _gunzip(data: bytes) -> bytes:
    if not data.startswith(b"\x1f\x8b"):
        return data
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        unpacked = inflater.decompress(data, MAX_UNPACKED_BYTES)
    except zlib.error as error:
        raise FileRejected(f"The gzip-compressed file is corrupted: {error}") from error
    if inflater.unconsumed_tail:
        raise FileRejected(f"The file unpacks to more than {MAX_UNPACKED_BYTES // 2**20} MB")
    if not inflater.eof:
        raise FileRejected("The gzip-compressed file is truncated")
    return unpacked
