"""Reading what a picture is from its bytes: the kind, the size in pixels, and whether it is whole.
Any bytes at all give an answer (a picture or None), never an exception."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.core.images import Picture, PictureKind, kind_of, picture
from tests.support.images import SVG, TEXT_AS_PNG, jpeg, png


def test_png_and_jpeg_are_read_with_their_size():
    assert picture(png(120, 40)) == Picture(PictureKind.PNG, 120, 40)
    assert picture(jpeg(300, 100)) == Picture(PictureKind.JPEG, 300, 100)
    assert PictureKind.PNG.content_type == "image/png"
    assert PictureKind.JPEG.content_type == "image/jpeg"


def test_what_only_claims_to_be_a_picture_is_none():
    assert kind_of(SVG) is None
    assert kind_of(TEXT_AS_PNG) is None
    assert picture(b"") is None
    assert picture(b"GIF89a\x01\x00\x01\x00") is None


def test_a_damaged_png_is_none():
    whole = png(120, 40)
    assert picture(whole[:-12]) is None  # no IEND
    assert picture(whole + b"<script>") is None  # something after its end
    broken = bytearray(whole)
    broken[20] ^= 0xFF  # a byte of IHDR: its checksum no longer holds
    assert picture(bytes(broken)) is None
    no_data = whole[:33] + whole[-12:]  # IHDR, then at once IEND
    assert picture(no_data) is None
    assert kind_of(no_data) is PictureKind.PNG  # the signature alone makes no picture


def test_a_damaged_jpeg_is_none():
    whole = jpeg(300, 100)
    assert picture(whole[:-2]) is None  # no end marker
    assert picture(whole[:30] + whole[-2:]) is None  # a segment cut short
    without_frame = b"\xff\xd8" + whole[whole.index(b"\xff\xc4") :]  # a scan with no frame header before it
    assert picture(without_frame) is None
    assert picture(jpeg(100, 0)) is None  # a height left to a later marker (DNL): no size to check


def test_fill_bytes_between_segments_are_allowed():
    whole = jpeg(64, 32)
    frame = whole.index(b"\xff\xc0")
    assert picture(whole[:frame] + b"\xff\xff\xff" + whole[frame:]) == Picture(PictureKind.JPEG, 64, 32)


def test_the_size_is_the_headers_however_large_it_claims_to_be():
    """A picture that would decode to gigabytes is read without decoding: its size refuses it elsewhere."""
    assert picture(png(30_000, 1)) == Picture(PictureKind.PNG, 30_000, 1)


@given(st.binary(max_size=400))
def test_any_bytes_after_a_png_signature_give_an_answer(tail):
    result = picture(b"\x89PNG\r\n\x1a\n" + tail)
    assert result is None or result.kind is PictureKind.PNG


@given(st.binary(max_size=400))
def test_any_bytes_after_a_jpeg_start_give_an_answer(tail):
    result = picture(b"\xff\xd8\xff" + tail)
    assert result is None or result.kind is PictureKind.JPEG


@given(st.integers(0, 120), st.binary(min_size=1, max_size=8))
def test_a_real_png_with_bytes_changed_gives_an_answer(at, garbage):
    whole = png(40, 20)
    result = picture(whole[:at] + garbage + whole[at + len(garbage) :])
    assert result is None or isinstance(result, Picture)
