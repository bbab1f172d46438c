"""Progress of import, export and mirror: a bar on a terminal, whole lines in a log."""

import io

from django.core.management import call_command
from django.core.management.base import OutputWrapper

from samizdat.portability.progress import Progress
from tests.portability.conftest import item, wxr


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_in_a_log_progress_is_a_line_at_each_tenth(db, write_wxr):
    items = [item(n, f"Dispatch {n}", slug=f"dispatch-{n}", content="The night shift held. " * 1000)
             for n in range(1, 41)]
    err = io.StringIO()
    call_command("import-wxr", str(write_wxr(wxr(*items))), "--blog", "union", "--no-media",
                 stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert "\r" not in err.getvalue() and 2 <= len(lines) <= 11
    assert all(line.startswith("Importing: ") for line in lines)
    assert lines[-1].startswith("Importing: 100% (") and lines[-1].endswith(" of 0.9 MB)")


def test_on_a_terminal_progress_is_one_bar_redrawn_then_ended():
    out = Terminal()
    bar = Progress(OutputWrapper(out), "Mirroring news")  # a command's stderr
    for done in range(1, 501):
        bar.update(done, 500, f"{done} of 500 addresses")
    bar.finish()
    text = out.getvalue()
    assert text.startswith("\rMirroring news [") and text.endswith("\n") and text.count("\n") == 1
    # Redrawn at each new percent at most, not for each of the 500 steps.
    assert 2 <= text.count("\r") <= 101
    assert "] 100% 500 of 500 addresses" in text.rsplit("\r", 1)[1]


def test_mirror_reports_its_progress(make_blog, make_post, tmp_path):
    blog = make_blog("news")
    for n in range(3):
        make_post(blog=blog, title=f"Shift report {n}")
    err = io.StringIO()
    call_command("mirror", "--blog", "news", str(tmp_path / "out"), stdout=io.StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Mirroring news: ") and lines[-1].startswith("Mirroring news: 100% (")
