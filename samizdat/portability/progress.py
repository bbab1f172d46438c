"""Progress of the long commands (import, export, mirror), readable on a terminal and in a log.

On a terminal a bar is redrawn in place, a few times a second at most. Anywhere else (a log file, a
cron mail, CI) a bar drawn with carriage returns is one unreadable line, so a full line is written
at every tenth of the way instead.
"""

import time

WIDTH = 40
REDRAW_SECONDS = 0.2


class Progress:
    """Progress written to a command's `self.stderr` (Django's OutputWrapper)."""

    def __init__(self, stream, label):
        self.stream, self.label = stream, label
        self.terminal = stream.isatty()
        self.percent, self.drawn_at, self.drawn = -1, 0.0, False
        self.logged = -1  # the last tenth written as a line

    def update(self, done, total, detail=""):
        """`done` of `total` (units the caller names in `detail`, e.g. "4,213 of 10,000 items")."""
        percent = min(100, done * 100 // total) if total else 100
        if self.terminal:
            now = time.monotonic()
            if percent == self.percent and now - self.drawn_at < REDRAW_SECONDS:
                return
            self.drawn_at, self.drawn = now, True
            filled = WIDTH * percent // 100
            bar = "#" * filled + " " * (WIDTH - filled)
            self.stream.write(f"\r{self.label} [{bar}] {percent:3d}% {detail}".rstrip() + "  ", ending="")
            self.stream.flush()
        elif percent // 10 > self.logged:
            self.logged = percent // 10
            self.stream.write(f"{self.label}: {percent}%" + (f" ({detail})" if detail else ""))
            self.stream.flush()
        self.percent = percent

    def finish(self):
        """End the bar's line, so what follows starts on a line of its own."""
        if self.terminal and self.drawn:
            self.stream.write("")
            self.drawn = False
