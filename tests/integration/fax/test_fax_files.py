"""Fax documents with the real tools: the recorded TIFF becomes a PDF (img2pdf), a PDF becomes TIFF-F
(ghostscript), a broken or non-PDF upload is refused with its reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from recorder.fax_files import FaxDocumentError, pdf_to_tiff, pdf_to_tiff_async, tiff_to_pdf

RECEIVED = Path(__file__).resolve().parents[2] / "fixtures" / "media" / "received-fax.tif"


def test_given_recorded_tiff_when_converted_then_one_page_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "in.pdf"
    assert tiff_to_pdf(RECEIVED, pdf) == 1
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert b"/Type /Page" in pdf.read_bytes() or b"/Type/Page" in pdf.read_bytes()


def test_given_empty_tiff_when_converted_then_missing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.tif"
    empty.write_bytes(b"")
    with pytest.raises(FaxDocumentError) as caught:
        tiff_to_pdf(empty, tmp_path / "x.pdf")
    assert caught.value.code == "missing"


async def test_given_pdf_when_converted_then_tiff_f_at_fine_resolution(tmp_path: Path) -> None:
    pdf = tmp_path / "doc.pdf"
    tiff_to_pdf(RECEIVED, pdf)
    out = tmp_path / "out.tif"
    assert await pdf_to_tiff_async(pdf, out, 60) == 1
    with Image.open(out) as image:
        assert image.size[0] == 1728  # the fax line width
        assert image.info["dpi"] == (204.0, 196.0)
        assert image.info["compression"] == "group3"


@pytest.mark.parametrize(
    ("content", "code"), [(b"hello, not a pdf", "not_pdf"), (b"%PDF-1.4 broken", "unreadable")]
)
def test_given_bad_upload_when_converted_then_refused_and_nothing_left(
    tmp_path: Path, content: bytes, code: str
) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    out = tmp_path / "out.tif"
    with pytest.raises(FaxDocumentError) as caught:
        pdf_to_tiff(bad, out, 60)
    assert caught.value.code == code
    assert list(tmp_path.iterdir()) == [bad]
