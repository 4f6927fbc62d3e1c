"""Fax documents on disk: a received TIFF becomes a PDF (img2pdf, lossless), a PDF to send becomes
TIFF-F (ghostscript's ``tiffg3`` device at 204×196 dpi, the fine fax resolution SendFAX expects).

ghostscript runs as a child process in a worker thread with a time limit; a file that is not a
PDF, or one ghostscript cannot read, is refused with :class:`FaxDocumentError` (nothing is sent).
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import img2pdf
from PIL import Image

PDF_MAGIC = b"%PDF-"


class FaxDocumentError(Exception):
    """A document cannot be converted; ``code`` names why (``not_pdf``, ``unreadable``, ``timeout``,
    ``no_ghostscript``, ``missing``)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def tiff_pages(tiff: Path) -> int:
    with Image.open(tiff) as image:
        return int(getattr(image, "n_frames", 1))


def tiff_to_pdf(tiff: Path, pdf: Path) -> int:
    """Write ``pdf`` from every page of ``tiff``; returns the page count."""
    if not tiff.is_file() or tiff.stat().st_size == 0:
        raise FaxDocumentError("missing", str(tiff))
    try:
        data = img2pdf.convert(str(tiff), rotation=img2pdf.Rotation.ifvalid)
    except Exception as exc:  # img2pdf and Pillow raise many kinds for a damaged image
        raise FaxDocumentError("unreadable", f"{tiff.name}: {exc}") from exc
    tmp = pdf.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(pdf)
    return tiff_pages(tiff)


def _gs_command(pdf: Path, tiff: Path) -> list[str]:
    gs = shutil.which("gs")
    if gs is None:
        raise FaxDocumentError("no_ghostscript", "install ghostscript (gs)")
    return [
        gs,
        "-q",
        "-dNOPAUSE",
        "-dBATCH",
        "-dSAFER",
        "-sDEVICE=tiffg3",
        "-r204x196",
        "-sPAPERSIZE=a4",
        "-dFIXEDMEDIA",
        "-dPDFFitPage",
        f"-sOutputFile={tiff}",
        str(pdf),
    ]


def pdf_to_tiff(pdf: Path, tiff: Path, timeout_s: float) -> int:
    """Convert (blocking); returns the page count of the TIFF written."""
    with pdf.open("rb") as f:
        if f.read(len(PDF_MAGIC)) != PDF_MAGIC:
            raise FaxDocumentError("not_pdf", pdf.name)
    tmp = tiff.with_suffix(".part.tif")
    try:
        done = subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
            _gs_command(pdf, tmp), capture_output=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired as exc:
        tmp.unlink(missing_ok=True)
        raise FaxDocumentError("timeout", f"{pdf.name}: more than {timeout_s:g} s") from exc
    if done.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        text = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        raise FaxDocumentError("unreadable", f"{pdf.name}: {text[-1] if text else done.returncode}")
    tmp.replace(tiff)
    return tiff_pages(tiff)


async def pdf_to_tiff_async(pdf: Path, tiff: Path, timeout_s: float) -> int:
    return await asyncio.to_thread(pdf_to_tiff, pdf, tiff, timeout_s)


async def tiff_to_pdf_async(tiff: Path, pdf: Path) -> int:
    return await asyncio.to_thread(tiff_to_pdf, tiff, pdf)
