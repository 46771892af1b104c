"""Reading an uploaded file safely: size, what kind of file it really is, its encoding, its header.

DuckDB's CSV reader accepts only UTF-8, and officers' files come from Excel as Windows-1252 too, so a
file that is not valid UTF-8 is transcoded once into a UTF-8 temporary file (PLATFORM-NOTES). The file
is read in chunks: hashing, NUL-byte and UTF-8 checks never hold the whole file in memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

CHUNK_BYTES = 8 * 1024 * 1024

# Signatures of files that are not CSV but arrive under a .csv name.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive or an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


class SourceError(ValueError):
    """The file cannot be read as a CSV at all; the message says why in plain English."""


def describe_csv_error(exc: csv.Error) -> str:
    """What Python's csv reader stopped on, in plain English, for a message that names the line.

    Its commonest stop is a value over its field limit (``csv.field_size_limit()``, 128 KB): no field of any
    of our files is that long, and the limit is a process-wide setting, so it is reported rather than raised.
    """
    if "field limit" in str(exc):
        return (f"a value on this line is over {csv.field_size_limit():,} characters, far longer than any field "
                "of the file can be; check for a stray \" mark (it runs the rest of the file into one value).")
    return ("this line cannot be read as CSV; check for a stray \" mark or a line break inside a value, "
            "or save the file from Excel again as 'CSV UTF-8'.")


@dataclass
class SourceFile:
    """A readable CSV file: where DuckDB should read it, and what we learned on the way."""

    original_path: Path
    csv_path: Path                      # UTF-8 file for DuckDB (the original when it already was UTF-8)
    size: int
    sha256: str
    encoding: str                       # 'utf-8', 'utf-8-sig' or 'cp1252'
    header: list[str]
    _temporary: list[Path] = field(default_factory=list)

    def cleanup(self) -> None:
        """Remove any temporary UTF-8 copy."""
        for path in self._temporary:
            path.unlink(missing_ok=True)
        self._temporary.clear()


def open_source(path: Path, max_bytes: int, display_name: str | None = None) -> SourceFile:
    """Check ``path`` is a plausible CSV within ``max_bytes`` and return it ready for DuckDB.

    Raises SourceError for an empty, oversized, binary or undecodable file, or a missing header.
    """
    name = display_name or path.name
    size = path.stat().st_size
    if size == 0:
        raise SourceError(f"{name} is empty: there is nothing to load.")
    if size > max_bytes:
        raise SourceError(
            f"{name} is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit "
            "(upload.max_file_mb in config.yaml)."
        )
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    with open(path, "rb") as fh:
        first = True
        while chunk := fh.read(CHUNK_BYTES):
            if first:
                _reject_binary_signature(chunk, name)
                first = False
            nul = chunk.find(b"\x00")
            if nul >= 0:
                raise SourceError(
                    f"{name} contains binary data (a NUL byte at byte {fh.tell() - len(chunk) + nul + 1}); "
                    "it is not a CSV text file. Save it from Excel as 'CSV UTF-8' and try again."
                )
            digest.update(chunk)
            # Plain ASCII (most census files) is valid UTF-8: skip decoding it unless a character is half read.
            if is_utf8 and not (chunk.isascii() and not utf8.getstate()[0]):
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError:
                    is_utf8 = False
        if is_utf8:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                is_utf8 = False
    source = SourceFile(path, path, size, digest.hexdigest(), "utf-8", [])
    if not is_utf8:
        source.csv_path = _transcode_cp1252(path, name)
        source._temporary.append(source.csv_path)
        source.encoding = "cp1252"
    try:
        source.header = _read_header(source.csv_path, name)
    except SourceError:
        source.cleanup()  # the copy may hold a pupil-level extract: never leave it behind
        raise
    if source.header[0].startswith("\ufeff"):
        source.header[0] = source.header[0][1:]
        source.encoding = "utf-8-sig"
    return source


def _reject_binary_signature(head: bytes, name: str) -> None:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise SourceError(
                f"{name} is {what}, not a CSV file. Open it in Excel and use File → Save As → 'CSV UTF-8'."
            )


def _transcode_cp1252(path: Path, name: str) -> Path:
    """Copy a Windows-1252 file to a UTF-8 temporary file, chunk by chunk."""
    handle, tmp = tempfile.mkstemp(prefix="sendlib-", suffix=".csv")
    decoder = codecs.getincrementaldecoder("cp1252")(errors="strict")
    try:
        with os.fdopen(handle, "wb") as out, open(path, "rb") as fh:
            while chunk := fh.read(CHUNK_BYTES):
                out.write(decoder.decode(chunk).encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SourceError(
            f"{name} is neither UTF-8 nor Windows-1252 text (byte {exc.start + 1} cannot be read); "
            "save it from Excel as 'CSV UTF-8' and try again."
        ) from exc
    return Path(tmp)


def _read_header(path: Path, name: str) -> list[str]:
    """The header row's column names; raises SourceError when no non-blank line follows it."""
    with open(path, encoding="utf-8", newline="") as fh:
        first_line = fh.readline()
        rest_has_content = any(line.strip() for line in _head_lines(fh, 50))
    if not first_line.strip():
        raise SourceError(f"{name} has no header row: line 1 is blank. The first line must name the columns.")
    try:
        header = next(csv.reader(io.StringIO(first_line)))
    except csv.Error as exc:
        raise SourceError(f"{name}: the header row (line 1) cannot be read: {describe_csv_error(exc)}") from None
    header = [column.strip() for column in header]
    if len(header) < 2:
        raise SourceError(
            f"{name} does not look like a CSV file: line 1 has no commas. "
            "A census file needs comma-separated columns with a header row."
        )
    if not rest_has_content:
        raise SourceError(f"{name} has a header row but no data rows.")
    return header


def _head_lines(fh: io.TextIOBase, limit: int) -> list[str]:
    lines = []
    for _ in range(limit):
        line = fh.readline()
        if not line:
            break
        lines.append(line)
        if line.strip():
            break
    return lines
