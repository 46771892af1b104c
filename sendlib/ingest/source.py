"""Reading an uploaded file safely: size, what kind of file it really is, its encoding, its header.

DuckDB's CSV reader accepts only UTF-8, and officers' files come from Excel as Windows-1252 too, so a
file that is not valid UTF-8 is transcoded once into a UTF-8 temporary file (PLATFORM-NOTES), in the
store's private work folder: never the system's temp folder, where a crash would leave it. The file
is read in chunks: hashing, NUL-byte and UTF-8 checks never hold the whole file in memory.

The same pass counts the file's lines without any CSV reader, so that a row a reader drops without a word
(DuckDB does, for a value of about 32 MB) is noticed: the load compares its rows with ``lines_after_header``
and, only when they differ (blank lines, values running over two lines, or a lost row), with the exact
count of records (``count_data_rows``).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sendlib.config import Config
from sendlib.errors import IngestError

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


class SourceError(IngestError, ValueError):
    """The file cannot be read as a CSV at all; the message says why in plain English."""


def describe_csv_error(exc: csv.Error) -> str:
    """What Python's csv reader stopped on, in plain English, for a message that names the line.

    Its commonest stop is a value over its field limit (``csv.field_size_limit()``, 128 KB): no field of any
    of our files is that long, and the limit is a process-wide setting, so it is reported rather than raised.
    """
    if "field limit" in str(exc):
        return (
            f"a value on this line is over {csv.field_size_limit():,} characters, far longer than any field "
            'of the file can be; check for a stray " mark (it runs the rest of the file into one value).'
        )
    return (
        'this line cannot be read as CSV; check for a stray " mark or a line break inside a value, '
        "or save the file from Excel again as 'CSV UTF-8'."
    )


@dataclass
class SourceFile:
    """A readable CSV file: where DuckDB should read it, and what we learned on the way."""

    original_path: Path
    csv_path: Path  # UTF-8 file for DuckDB (the original when it already was UTF-8)
    size: int
    sha256: str
    encoding: str  # 'utf-8', 'utf-8-sig' or 'cp1252'
    header: list[str]
    lines_after_header: int = 0  # physical lines after line 1: no reader can make more rows of them
    _temporary: list[Path] = field(default_factory=list)

    def cleanup(self) -> None:
        """Remove any temporary UTF-8 copy."""
        for path in self._temporary:
            path.unlink(missing_ok=True)
        self._temporary.clear()


def upload_limit(config: Config) -> int:
    """The largest file, in bytes, the Upload page accepts (``upload.max_file_mb``).

    The one rule of file size: the limit is for files uploaded through the web page, which holds the whole
    upload in memory, so the page passes it as ``max_bytes`` to every check and load; a file named on the
    command line (or shipped as demo data) is read from disk in chunks and has no limit, so a national
    school-level file of several hundred megabytes loads with ``python -m sendlib ingest census FILE``.
    """
    return config.upload.max_file_mb * 1_048_576


def open_source(path: Path, max_bytes: int | None, display_name: str | None = None, *, work_dir: Path) -> SourceFile:
    """Check ``path`` is a plausible CSV (no larger than ``max_bytes``, when given: an upload through the page,
    see ``upload_limit``) and return it ready for DuckDB.

    A UTF-8 copy, when one is needed, is written (owner-only) in ``work_dir``, the store's private folder.

    Raises SourceError for an empty, oversized, binary or undecodable file, or a missing header.
    """
    name = display_name or path.name
    size = path.stat().st_size
    if size == 0:
        raise SourceError(f"{name} is empty: there is nothing to load.")
    if max_bytes is not None and size > max_bytes:
        raise SourceError(
            f"{name} is {size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit for files "
            "uploaded through this page (upload.max_file_mb in config.yaml). The command line loads a file of "
            "any size: python -m sendlib ingest census FILE (or ingest engagement FILE)."
        )
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    is_utf8 = True
    lines = _PhysicalLines()
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
            lines.feed(chunk)
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
    source = SourceFile(path, path, size, digest.hexdigest(), "utf-8", [], max(0, lines.finish() - 1))
    if not is_utf8:
        _refuse_mixed_encodings(path, name)
        source.csv_path = _transcode_cp1252(path, name, work_dir)
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


class _PhysicalLines:
    """Lines of a file fed in chunks, counted at vector speed: lines end in LF (or CRLF), or in CR alone when
    the file has no LF. A last line with no line end counts too.

    Every row a CSV reader reads takes at least one line and no two rows share one, so a reader that read
    as many rows as there are lines (after the header) read every line, one row each: nothing was lost.
    """

    def __init__(self) -> None:
        self.lf = self.cr = 0
        self.last = b""

    def feed(self, chunk: bytes) -> None:
        if not chunk:
            return
        self.lf += _count_byte(chunk, ord("\n"))
        if not self.lf:  # CRs end lines only in a file with no LF: stop counting them at the first LF
            self.cr += chunk.count(b"\r")
        self.last = chunk[-1:]

    def finish(self) -> int:
        ends, end = (self.lf, b"\n") if self.lf or not self.cr else (self.cr, b"\r")
        return ends + (self.last not in (b"", end))


def _count_byte(chunk: bytes, byte: int) -> int:
    """How many times ``byte`` occurs in ``chunk``: numpy's vector compare, several times ``bytes.count``'s
    speed, which would add a fifth to a clean load (README, Performance)."""
    return int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == byte))


def count_data_rows(path: Path) -> int:
    """Records after the header, as ``RecordCounter`` counts them: read once more, only when a load's rows
    differ from its lines."""
    counter = RecordCounter()
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            counter.feed(chunk)
    return max(0, counter.finish() - 1)


class RecordCounter:
    """Counts the records of a CSV file fed to it in chunks of bytes, as DuckDB's reader delimits them.

    A record ends at a line end outside double quotes; a blank line (nothing, or a lone carriage return
    before the line feed) is no record, as DuckDB skips it. Lines end in LF (or CRLF), or in CR alone when
    the file has no LF at all. Any ASCII-compatible encoding counts the same (UTF-8 or Windows-1252: quote,
    CR and LF are the same bytes). Counting is ``bytes.count`` at C speed; a chunk holding quotes first has
    its quoted values blanked out (one split and join), and one holding blank lines is split into lines.
    """

    def __init__(self) -> None:
        self._counts = {b"\n": _LineCount(b"\n"), b"\r": _LineCount(b"\r")}
        self._in_quotes = False

    def feed(self, chunk: bytes) -> None:
        """Count the records ended in ``chunk`` (which continues the chunks fed before it)."""
        if b"\r" in self._counts and b"\n" in chunk:
            del self._counts[b"\r"]  # a file with LF ends its lines in LF (or CRLF)
        if self._in_quotes or b'"' in chunk:
            chunk = self._unquoted(chunk)
        for count in self._counts.values():
            count.feed(chunk)

    def finish(self) -> int:
        """Records in everything fed, the header included."""
        count = self._counts[b"\n"]
        if b"\r" in self._counts and self._counts[b"\r"].ended:
            count = self._counts[b"\r"]  # no LF anywhere, but CRs: old Mac line ends
        return count.finish()

    def _unquoted(self, chunk: bytes) -> bytes:
        """``chunk`` with every quoted stretch reduced to one quote mark: nothing inside quotes ends a line."""
        pieces = chunk.split(b'"')
        starts_inside = self._in_quotes
        if (len(pieces) - 1) % 2:
            self._in_quotes = not self._in_quotes
        outside = pieces[1::2] if starts_inside else pieces[0::2]
        ends_inside = self._in_quotes
        # A quote mark stands for each quoted stretch, so a line holding only a quoted value is not blank.
        return (b'"' if starts_inside else b"") + b'"'.join(outside) + (b'"' if ends_inside else b"")


class _LineCount:
    """Non-blank lines ended by ``end`` in text with no quoted values, fed in chunks."""

    def __init__(self, end: bytes) -> None:
        self.end = end
        self.blanks = (b"",) if end == b"\r" else (b"", b"\r")
        self.records = 0
        self.ended = 0
        self.pending = b""  # the first bytes (two at most) of the line not yet ended: enough to tell if blank

    def feed(self, text: bytes) -> None:
        ends = text.count(self.end)
        if not ends:
            self.pending = (self.pending + text[:2])[:2]
            return
        self.ended += ends
        first = text.index(self.end)
        last = text.rindex(self.end)
        interior_blanks = 0
        if ends > 1:
            middle = text[first : last + 1]
            if any(self.end + blank + self.end in middle for blank in self.blanks):
                lines = middle.split(self.end)[1:-1]
                interior_blanks = sum(lines.count(blank) for blank in self.blanks)
        first_line = (self.pending + text[: min(first, 2)])[:2]
        self.records += (first_line not in self.blanks) + (ends - 1 - interior_blanks)
        self.pending = text[last + 1 : last + 3]

    def finish(self) -> int:
        return self.records + (self.pending not in self.blanks)  # a last line with no line end


@dataclass(frozen=True)
class Record:
    """One record of a file as ``RecordCounter`` delimits it: where it starts, how long it is, its start."""

    line: int  # the physical line it starts on, counting from 1 (the header is line 1)
    size: int  # in bytes, line ends included
    head: bytes  # its first line, up to HEAD_BYTES


HEAD_BYTES = 1024  # enough for a record's first value (a period, a time_period)


def data_records(path: Path) -> Iterator[Record]:
    """Every record after the header, in order, delimited exactly as ``RecordCounter`` counts them.

    A Python loop per line: only a load whose rows read differ from the count comes here, to name the line.
    """
    with open(path, "rb") as handle:
        end = b"\r"
        while chunk := handle.read(CHUNK_BYTES):
            if b"\n" in chunk:
                end = b"\n"
                break
        handle.seek(0)
        blanks = (b"",) if end == b"\r" else (b"", b"\r")
        line_no, start, size, head, quoted, tail, first = 0, 0, 0, b"", False, b"", True
        while True:
            chunk = handle.read(CHUNK_BYTES)
            lines = (tail + chunk).split(end)
            tail = lines.pop() if chunk else b""
            for line in lines:
                line_no += 1
                if not quoted:
                    if line in blanks:
                        continue
                    start, size, head = line_no, 0, line[:HEAD_BYTES]
                size += len(line) + len(end)
                quoted ^= line.count(b'"') % 2 == 1
                if not quoted:
                    if not first:
                        yield Record(start, size, head)
                    first = False
            if not chunk:
                break
        if quoted and not first:
            yield Record(start, size, head)  # a quoted value never closed: still one record


def _reject_binary_signature(head: bytes, name: str) -> None:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            raise SourceError(
                f"{name} is {what}, not a CSV file. Open it in Excel and use File → Save As → 'CSV UTF-8'."
            )


# Read with surrogateescape, a byte that is not UTF-8 becomes one of U+DC80…U+DCFF; any other non-ASCII
# character came from a valid multi-byte UTF-8 sequence.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_MULTI_BYTE_UTF8 = re.compile("[^\x00-\x7f\udc80-\udcff]")


def _refuse_mixed_encodings(path: Path, name: str) -> None:
    """Raise SourceError for a file that is not valid UTF-8 yet holds valid multi-byte UTF-8 characters.

    A file Excel saved as Windows-1252 has accented letters as single bytes, which are never valid UTF-8
    sequences in running text; a file holding both is two encodings pasted together, and reading it as
    either garbles one part ("Münster" read as Windows-1252 is "MÃ¼nster"). Only a file already found not
    to be UTF-8 is read again here.
    """
    decoder = codecs.getincrementaldecoder("utf-8")(errors="surrogateescape")
    first_bad: tuple[int, int, int] | None = None  # line, byte offset (from 1), the byte
    multi_byte = False
    offset = lines = 0
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK_BYTES)
            if chunk.isascii() and chunk and not decoder.getstate()[0]:
                offset, lines = offset + len(chunk), lines + chunk.count(b"\n")
                continue
            start = offset - len(decoder.getstate()[0])  # bytes held back from the last chunk start earlier
            text = decoder.decode(chunk, final=not chunk)
            multi_byte = multi_byte or bool(_MULTI_BYTE_UTF8.search(text))
            bad = _NOT_UTF8.search(text) if first_bad is None else None
            if bad:
                before = text[: bad.start()]
                first_bad = (
                    lines + before.count("\n") + 1,
                    start + len(before.encode("utf-8", errors="surrogateescape")) + 1,
                    ord(bad.group()) - 0xDC00,
                )
            offset, lines = offset + len(chunk), lines + chunk.count(b"\n")
            if not chunk or (multi_byte and first_bad):
                break
    if multi_byte and first_bad:
        line, byte, value = first_bad
        raise SourceError(
            f"{name} is UTF-8 text with bytes that are not UTF-8 in it (the first on line {line}, byte {byte:,} "
            f"of the file: 0x{value:02X}). Read either way, part of it would be garbled ('Café' as 'CafÃ©'), "
            "so nothing was loaded. It was probably pasted together from files saved differently: open it in "
            "Excel, check the accented names on that line, and save it as 'CSV UTF-8'."
        )


def _transcode_cp1252(path: Path, name: str, work_dir: Path) -> Path:
    """Copy a Windows-1252 file to a UTF-8 temporary file (mode 0600) in ``work_dir``, chunk by chunk."""
    handle, tmp = tempfile.mkstemp(prefix="utf8-", suffix=".csv", dir=work_dir)
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
