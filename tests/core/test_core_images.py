"""Opening untrusted images (zebkb/images.py): allowed formats only, decoded small, bounded."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from zebkb_testing import TINY_EPS, forbid_programs

from zebkb.images import ImageRefused, Refusal, decode_cost, reduced_image


def _encoded(fmt: str, size: tuple[int, int] = (40, 30), mode: str = "RGB", **kw: object) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode != "L" else 100).save(out, format=fmt, **kw)
    return out.getvalue()


def _refusal(source: bytes, box: int = 256, **kw: int) -> Refusal:
    with pytest.raises(ImageRefused) as caught:
        reduced_image(source, box, **kw)
    return caught.value.reason


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP", "BMP", "TIFF"])
def test_the_allowed_formats_open(fmt: str) -> None:
    image = reduced_image(_encoded(fmt, (400, 100)), 64)
    assert image.size == (64, 16)
    assert image.mode in ("RGB", "RGBA")


def test_an_eps_file_never_reaches_ghostscript(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = forbid_programs(monkeypatch)
    assert Image.open(io.BytesIO(TINY_EPS)).format == "EPS"  # what Pillow alone would pick
    assert _refusal(TINY_EPS) is Refusal.UNREADABLE
    assert calls == []


@pytest.mark.parametrize("fmt", ["ICO", "PPM", "TGA", "PCX", "SGI"])
def test_formats_pillow_reads_but_zebkb_does_not(fmt: str) -> None:
    data = _encoded(fmt)
    assert Image.open(io.BytesIO(data)).format == fmt
    assert _refusal(data) is Refusal.UNREADABLE


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
        _encoded("PNG", (300, 300))[:200],  # cut short
        _encoded("JPEG", (300, 300))[:300],
        b"GIF89a\xff\xff\xff\xff" + b"\x00" * 20,
    ],
)
def test_damaged_files_are_unreadable(data: bytes) -> None:
    assert _refusal(data) is Refusal.UNREADABLE


def test_a_big_jpeg_is_decoded_reduced_where_another_format_is_refused() -> None:
    """Both are 2000×1500 and need 12 MB decoded whole; the JPEG decodes at 1/8 scale."""
    budget = 2**20
    jpeg = _encoded("JPEG", (2000, 1500))
    png = _encoded("PNG", (2000, 1500))
    image = reduced_image(jpeg, 64, budget=budget)
    assert image.size == (64, 48)
    assert _refusal(png, 64, budget=budget) is Refusal.TOO_LARGE
    # The same JPEG wanted four times larger can only be drafted to 1/2: too large as well.
    assert _refusal(jpeg, 512, budget=budget) is Refusal.TOO_LARGE


def test_decode_cost_follows_the_decoder() -> None:
    def cost(data: bytes) -> int:
        with Image.open(io.BytesIO(data)) as image:
            return decode_cost(image, image.size)

    pixels = 200 * 100
    assert cost(_encoded("PNG", (200, 100), "L")) == pixels
    assert cost(_encoded("PNG", (200, 100))) == 4 * pixels  # RGB is held in four bytes
    assert cost(_encoded("WEBP", (200, 100))) == 16 * pixels  # libwebp's frame and copies
    # A progressive JPEG keeps every coefficient (two bytes a sample) until its last scan.
    assert cost(_encoded("JPEG", (200, 100), progressive=True)) == 6 * pixels


def test_a_progressive_jpeg_is_bounded_by_its_full_size() -> None:
    data = _encoded("JPEG", (2000, 1500), progressive=True)
    assert reduced_image(data, 64).size == (64, 48)
    assert _refusal(data, 64, budget=2**20) is Refusal.TOO_LARGE


def test_pillows_bomb_limit_still_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    assert _refusal(_encoded("PNG", (120, 100))) is Refusal.TOO_LARGE
    assert _refusal(_encoded("PNG", (300, 300))) is Refusal.TOO_LARGE


def test_upright_and_transparent() -> None:
    sideways = Image.new("RGB", (40, 20), "blue")
    sideways.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    sideways.save(out, format="JPEG", quality=95, exif=exif)
    image = reduced_image(out.getvalue(), 256)
    assert image.size == (20, 40)
    assert image.getpixel((10, 5))[0] > 200  # the red left half is now on top

    gif = io.BytesIO()
    Image.new("P", (30, 30), 0).save(gif, format="GIF", transparency=0)
    assert reduced_image(gif.getvalue(), 256).mode == "RGBA"


def test_a_webp_over_the_budget_is_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's 88-megapixel WebP passed the bomb check; its cost is known from the header."""
    from PIL import WebPImagePlugin

    data = _encoded("WEBP", (200, 100))
    decoded: list[object] = []
    monkeypatch.setattr(
        WebPImagePlugin.WebPImageFile, "load", lambda self: decoded.append(self) or None
    )
    assert _refusal(data, 64, budget=16 * 200 * 100 - 1) is Refusal.TOO_LARGE
    assert decoded == []


_SEEDS = [
    _encoded("PNG", (30, 20)),
    _encoded("JPEG", (30, 20)),
    _encoded("GIF", (30, 20), "P"),
    _encoded("WEBP", (30, 20)),
    _encoded("BMP", (30, 20)),
    _encoded("TIFF", (30, 20), compression="tiff_lzw"),
    TINY_EPS,
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(_SEEDS),
    edits=st.lists(st.tuples(st.integers(0, 400), st.binary(min_size=1, max_size=4)), max_size=4),
    cut=st.integers(0, 500),
)
def test_fuzzed_images_give_a_small_picture_or_a_refusal(
    seed: bytes, edits: list[tuple[int, bytes]], cut: int
) -> None:
    """Any bytes: a picture within the box, or ImageRefused; no other error, no program run."""
    data = bytearray(seed)
    for at, chunk in edits:
        data[at % max(1, len(data)) : at % max(1, len(data)) + len(chunk)] = chunk
    data = data[: max(cut, len(data) // 2)]
    with pytest.MonkeyPatch.context() as mp:
        calls = forbid_programs(mp)
        try:
            image = reduced_image(bytes(data), 16, budget=2**20)
        except ImageRefused:
            pass  # any refusal is a clean one: ImageRefused carries its reason
        else:
            assert max(image.size) <= 16
            assert image.mode in ("RGB", "RGBA")
    assert calls == []


def test_only_the_helper_opens_images() -> None:
    """Every image zebkb decodes goes through zebkb/images.py (its allow-list and budget)."""
    import re
    from pathlib import Path

    import zebkb

    root = Path(zebkb.__file__).parent
    opening = re.compile(r"\b(?:Image|PILImage)\.open\(|ImageFile\.Parser\(|\bImage\.frombytes\(")
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "images.py" and opening.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
