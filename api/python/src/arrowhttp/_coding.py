"""HTTP content codings, decoded here as the body arrives (each batch decodable on arrival).

Done here rather than by urllib3, whose zstd support depends on its version (``backports.zstd``
from 2.6 on, ``zstandard`` before): the client advertises exactly the codings it decodes.
"""

from __future__ import annotations

import zlib
from typing import Any, Callable, List, Optional


def _zstd_module() -> Any:
    for name in ("compression.zstd", "backports.zstd"):
        try:
            module = __import__(name, fromlist=["ZstdDecompressor"])
            return ("stdlib", module)
        except ImportError:
            continue
    try:
        import zstandard

        return ("zstandard", zstandard)
    except ImportError:
        return None


def _brotli_module() -> Any:
    for name in ("brotli", "brotlicffi"):
        try:
            return __import__(name)
        except ImportError:
            continue
    return None


def decodable() -> List[str]:
    """The content codings this Python decodes: ``zstd`` (``zstandard``, or Python 3.14's
    ``compression.zstd``), ``br`` (``brotli``), ``gzip`` always, in the server's order."""
    codings = []
    if _zstd_module() is not None:
        codings.append("zstd")
    if _brotli_module() is not None:
        codings.append("br")
    codings.append("gzip")
    return codings


class _Zstd:
    def __init__(self) -> None:
        kind, module = _zstd_module()
        self._kind = kind
        self._module = module
        self._new()

    def _new(self) -> None:
        if self._kind == "zstandard":
            self._d = self._module.ZstdDecompressor().decompressobj()
        else:
            self._d = self._module.ZstdDecompressor()

    def __call__(self, data: bytes) -> bytes:
        out = []
        while data:
            out.append(self._d.decompress(data))
            # A body of several frames: the next frame starts in the unused bytes.
            data = getattr(self._d, "unused_data", b"") if getattr(self._d, "eof", False) else b""
            if data:
                self._new()
        return b"".join(out)


def decoder(coding: Optional[str]) -> Optional[Callable[[bytes], bytes]]:
    """A function decoding successive pieces of a body in ``coding``; None for no coding."""
    if coding is None or coding.strip().lower() in ("", "identity"):
        return None
    coding = coding.strip().lower()
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress
    if coding == "deflate":
        return zlib.decompressobj().decompress
    if coding == "zstd" and _zstd_module() is not None:
        return _Zstd()
    if coding == "br":
        module = _brotli_module()
        if module is not None:
            return module.Decompressor().process
    raise ValueError(f"The response is coded with {coding!r}, which this Python cannot decode")


class DecodedReader:
    """``read(n)`` of a coded body, decoded: up to ``n`` bytes, fewer only at its end."""

    def __init__(self, raw_read: Callable[[int], bytes], decode: Callable[[bytes], bytes]) -> None:
        self._raw_read = raw_read
        self._decode = decode
        self._buffer = b""

    def read(self, n: int) -> bytes:
        while len(self._buffer) < n:
            coded = self._raw_read(64 * 1024)
            if not coded:
                break
            self._buffer += self._decode(coded)
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data
