"""An SMTP server for deploy/ci-check.sh: each message is written, exactly as it came over the
wire, to FOLDER/<time>.eml. Run with aiosmtpd:

    python -m aiosmtpd -n -l 127.0.0.1:8025 -c smtp_sink.Sink FOLDER
"""

from __future__ import annotations

import time
from pathlib import Path


class Sink:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args: str) -> Sink:  # noqa: ANN001 - aiosmtpd's -c CLASSARGS
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the folder to write messages to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode()
        partial = self.folder / f"{time.time_ns()}.part"
        partial.write_bytes(raw)
        partial.rename(partial.with_suffix(".eml"))  # readers never see half a message
        return "250 Message accepted"
