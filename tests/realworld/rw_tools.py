"""Running the other tools from make_realworld.py: one call, its error as an exception."""
import shutil
import subprocess


class ToolMissing(Exception):
    pass


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(map(str, cmd)), r.returncode,
                                                   (r.stderr or b"").decode(errors="replace")[-800:]))
    return r


def have(tool):
    return shutil.which(tool) is not None
