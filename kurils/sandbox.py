"""Run a student's Python kernel inside a bubblewrap sandbox while a notebook is graded.

The grading worker starts the kernel through ``python -m kurils.sandbox CONFIG -- KERNEL ARGV``
(a kernelspec written by ``kernelspec``). Inside the sandbox the whole file system is read-only;
``/tmp`` and ``$HOME`` are empty (Python, its environment and the course folder are mounted back
read-only); the folders listed as hidden (the masters, the grader's private folders, the gradebook
and the other submissions) are empty and read-only; the only writable place is the submission's own
scratch folder. The environment is cleared except for a few harmless variables, and
every capability is dropped. The hidden tests reach the kernel only after the student's cells have
run, as the text of the grading cell, so they are never on a disk the kernel can read.

It does not stop a notebook from using the network, reading files outside the hidden folders that the
grading user can read (the course package and data are meant to be read), or using CPU and memory up
to the grader's time limit.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

KEEP_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV", "PYTHONHASHSEED", "JPY_SESSION_NAME")


@functools.cache
def available() -> bool:
    """Whether bubblewrap is installed and can create its namespaces on this machine."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    probe = [bwrap, *_base_args(), "--", "true"]
    return subprocess.run(probe, capture_output=True).returncode == 0


def unavailable_reason() -> str:
    """Why the sandbox cannot run here, and what to enable (for when :func:`available` is False)."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return "bubblewrap is not installed: sudo apt-get install bubblewrap"
    probe = subprocess.run([bwrap, *_base_args(), "--", "true"], capture_output=True, text=True)
    return (
        f"bubblewrap cannot create its namespaces on this machine ({probe.stderr.strip() or 'no reason given'}). "
        "Enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; on Ubuntu 24.04 also "
        "kernel.apparmor_restrict_unprivileged_userns=0), or in a container run it with --privileged"
    )


def _base_args() -> list[str]:
    return [
        "--unshare-user", "--uid", "65534", "--gid", "65534",
        "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent",
        "--cap-drop", "ALL",
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
        "--tmpfs", "/dev/shm",
    ]  # fmt: skip


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)


def command(scratch: Path, hide: list[Path], argv: list[str]) -> list[str]:
    """The bwrap command line that runs ``argv`` with only ``scratch`` writable and ``hide`` emptied.

    ``/tmp`` and the user's home are emptied too. What the kernel needs from them (Python, the
    virtual environment, the course package and its data, e.g. a clone in ``/tmp`` or a pyenv
    Python in ``~/.pyenv``) is mounted back read-only, and then the hidden folders are emptied
    again, in case they lie inside it (the masters and ``_build/`` inside the course folder).
    """
    home = Path(os.environ.get("HOME", "/root")).resolve()
    regions = [Path("/tmp")] + ([home] if home != Path("/") else [])
    package = Path(__file__).resolve().parent.parent  # the course folder, or site-packages
    needed = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, Path(sys.executable).resolve().parent, package)}
    hide = [Path(h).resolve() for h in hide if Path(h).is_dir()]
    hide = [h for h in hide if not scratch.resolve().is_relative_to(h) and h not in regions]
    args = ["bwrap", *_base_args()]
    if home in regions:
        args += ["--tmpfs", str(home)]
    for path in sorted(needed):
        if _inside(path, regions) and not _inside(path, [n for n in needed if n != path]):
            args += ["--ro-bind", str(path), str(path)]
    for folder in hide:
        if not _inside(folder, regions) or _inside(folder, list(needed)):
            args += ["--tmpfs", str(folder), "--remount-ro", str(folder)]
    args += ["--bind", str(scratch), str(scratch)]
    if home in regions:
        args += ["--remount-ro", str(home)]
    args += ["--chdir", str(scratch), "--clearenv"]
    for name in KEEP_ENV:
        if name in os.environ:
            args += ["--setenv", name, os.environ[name]]
    return [*args, "--setenv", "HOME", "/tmp/home", "--setenv", "MPLCONFIGDIR", "/tmp/mpl", "--", *argv]


def kernelspec(folder: Path, scratch: Path, hide: list[Path]) -> str:
    """Write a kernelspec named ``kurils-sandbox`` under ``folder/kernels``; return its name.

    Point ``JUPYTER_PATH`` at ``folder`` so that nbclient finds it.
    """
    spec = folder / "kernels" / "kurils-sandbox"
    spec.mkdir(parents=True, exist_ok=True)
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    argv = [
        sys.executable,
        "-m",
        "kurils.sandbox",
        json.dumps({"scratch": str(scratch), "hide": [str(h) for h in hide]}),
    ]
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [*argv, "--", *kernel],
                "display_name": "Python 3 (sandboxed)",
                "language": "python",
                "interrupt_mode": "message",
            }
        ),
        encoding="utf-8",
    )
    return "kurils-sandbox"


def main(argv: list[str]) -> None:
    """``python -m kurils.sandbox CONFIG -- KERNEL ARGV``: exec the kernel inside bubblewrap."""
    config = json.loads(argv[0])
    kernel = argv[argv.index("--") + 1 :]
    scratch = Path(config["scratch"])
    # The kernel reads its connection file (somewhere in the grader's temporary files) when it starts:
    # it is handed in as data, so none of the grader's folders needs to be visible.
    flag = kernel.index("-f") + 1
    connection = os.open(kernel[flag], os.O_RDONLY)
    os.set_inheritable(connection, True)
    kernel[flag] = "/tmp/.kurils/connection.json"
    full = command(scratch, [Path(h) for h in config["hide"]], kernel)
    split = full.index("--")
    full[split:split] = ["--dir", "/tmp/home", "--ro-bind-data", str(connection), kernel[flag]]
    # The kernel's own stdout/stderr (not what cells print, which travels to the grader) is discarded,
    # so a notebook writing straight to file descriptor 1 cannot fill the grader's disk or memory.
    devnull = os.open(os.environ.get("KURILS_SANDBOX_LOG", os.devnull), os.O_WRONLY | os.O_CREAT)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.execvp(full[0], full)


if __name__ == "__main__":
    main(sys.argv[1:])
