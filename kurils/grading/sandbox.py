"""Run a student's Python kernel inside a bubblewrap sandbox while a notebook is graded.

The grading worker starts the kernel through ``python -m kurils.grading.sandbox CONFIG -- KERNEL ARGV``
(a kernelspec written by ``kernelspec``). Inside the sandbox the whole file system is read-only;
``/tmp`` and ``$HOME`` are empty (Python, its environment and the course folder are mounted back
read-only); the folders listed as hidden (the masters, the grader's private folders, the gradebook
and the other submissions) are empty and read-only; the only writable place is the submission's own
scratch folder. The environment is cleared except for a few harmless variables, and
every capability is dropped. The hidden tests reach the kernel only after the student's cells have
run, as the text of the grading cell, so they are never on a disk the kernel can read.

The kernel has no network (its own empty network namespace; the grader talks to it over Unix
sockets, jupyter's IPC transport, in a folder mounted into the sandbox) and runs under resource
limits (:class:`Limits`) set by a small launcher inside the sandbox before the kernel starts, so the
student's code cannot raise them: address space (memory), processes and threads, CPU seconds, file
size; ``/tmp`` is a tmpfs no larger than the memory limit. When the grader runs as root, bubblewrap
runs without a user namespace and the launcher switches to an unused user id before the kernel
starts (Linux does not apply the process limit to root, nor to a namespace that root created).

It does not stop a notebook from reading files outside the hidden folders that the grading user can
read (the course package and data are meant to be read).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from kurils.course import ROOT

KEEP_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV", "PYTHONHASHSEED", "JPY_SESSION_NAME")
#: One thread per numerical library: notebooks are graded side by side, and each thread counts
#: against the process limit (OpenBLAS would otherwise start one per core and reserve memory for each).
THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may take (``kurils grade --memory/--processes/--cpu``)."""

    #: Address space of each process, in MiB (also the largest file it may write, and /tmp's size).
    memory_mb: int = 2048
    #: Processes and threads together (a Python kernel with pandas uses about ten).
    processes: int = 32
    #: CPU seconds of each process; the kernel is stopped when it has used them.
    cpu_seconds: int = 120


#: Run inside the sandbox, before the kernel: set hard limits, lower the priority (a runaway notebook
#: leaves the teacher's terminal responsive), become user ``uid`` when the grader is root (which drops
#: every capability), then become the kernel.
LIMITER = (
    "import os, resource as r, sys\n"
    "m, p, c, uid = (int(a) for a in sys.argv[1:5])\n"
    "for k, v in ((r.RLIMIT_AS, (m, m)), (r.RLIMIT_FSIZE, (m, m)), (r.RLIMIT_NPROC, (p, p)),\n"
    "             (r.RLIMIT_CPU, (c, c + 5)), (r.RLIMIT_CORE, (0, 0)), (r.RLIMIT_NICE, (0, 0))):\n"
    "    r.setrlimit(k, v)\n"
    "os.nice(10)\n"
    "if uid:\n"
    "    os.setgroups([]); os.setgid(uid); os.setuid(uid)\n"
    "os.execv(sys.argv[5], sys.argv[5:])\n"
)
#: When grading as root, each kernel runs as ``ROOT_UIDS`` + (launcher's pid mod 100000), a user id
#: no account uses, so that the process limit counts only that kernel's processes.
ROOT_UIDS = 1_100_000


@functools.cache
def _bwrap_has_size() -> bool:
    return "--size" in subprocess.run(["bwrap", "--help"], capture_output=True, text=True).stdout


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


def _base_args(as_root: bool = False) -> list[str]:
    """bwrap's options; ``as_root``: run by root, whose launcher then becomes an unused user id itself."""
    user = [] if as_root else ["--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL"]
    shared = ["--perms", "1777"] if as_root else []  # root's tmpfs would be writable by root only
    return [
        *user,
        "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-net", "--die-with-parent",
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        *shared, "--tmpfs", "/tmp",
        *shared, "--tmpfs", "/dev/shm",
    ]  # fmt: skip


def _inside(path: Path, folders: list[Path]) -> bool:
    return any(path == f or path.is_relative_to(f) for f in folders)


def command(scratch: Path, hide: list[Path], argv: list[str], limits: Limits = Limits(), uid: int = 0) -> list[str]:
    """The bwrap command line that runs ``argv`` with only ``scratch`` writable and ``hide`` emptied.

    ``/tmp`` and the user's home are emptied too. What the kernel needs from them (Python, the
    virtual environment, the course package and its data, e.g. a clone in ``/tmp`` or a pyenv
    Python in ``~/.pyenv``) is mounted back read-only, and then the hidden folders are emptied
    again, in case they lie inside it (the masters and ``_build/`` inside the course folder).
    """
    home = Path(os.environ.get("HOME", "/root")).resolve()
    regions = [Path("/tmp")] + ([home] if home != Path("/") else [])
    package = ROOT  # the course folder, or site-packages
    needed = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, Path(sys.executable).resolve().parent, package)}
    if uid:  # the kernel's own user id must reach them: empty any closed folder on the way, bind them back
        regions += sorted({c for c in map(_closed, needed) if c and not _inside(c, regions)})
        regions = [r for r in regions if not _inside(r, [o for o in regions if o != r])]
    hide = [Path(h).resolve() for h in hide if Path(h).is_dir()]
    hide = [h for h in hide if not scratch.resolve().is_relative_to(h) and h not in regions]
    args = ["bwrap", *_base_args(as_root=uid != 0)]
    if _bwrap_has_size():  # /tmp in RAM, no larger than the memory limit
        size = str(limits.memory_mb * 2**20)
        for mount in ("/tmp", "/dev/shm"):
            args[args.index(mount) - 1 : args.index(mount) - 1] = ["--size", size]
    emptied = [r for r in regions if r != Path("/tmp")]  # /tmp is a tmpfs already (_base_args)
    for region in emptied:
        args += [*_parents(region, uid), "--tmpfs", str(region)]
    for path in sorted(needed):
        if _inside(path, regions) and not _inside(path, [n for n in needed if n != path]):
            args += [*_parents(path, uid), "--ro-bind", str(path), str(path)]
    for folder in hide:
        if not _inside(folder, regions) or _inside(folder, list(needed)):
            args += ["--tmpfs", str(folder), "--remount-ro", str(folder)]
    args += [*_parents(scratch, uid), "--bind", str(scratch), str(scratch)]
    for region in emptied:
        args += ["--remount-ro", str(region)]
    args += ["--chdir", str(scratch), "--clearenv"]
    for name in KEEP_ENV:
        if name in os.environ:
            args += ["--setenv", name, os.environ[name]]
    for name, value in THREAD_ENV.items():
        args += ["--setenv", name, value]
    numbers = [str(limits.memory_mb * 2**20), str(limits.processes), str(limits.cpu_seconds), str(uid)]
    argv = [sys.executable, "-I", "-S", "-c", LIMITER, *numbers, *argv]
    return [*args, "--setenv", "HOME", "/tmp/home", "--setenv", "MPLCONFIGDIR", "/tmp/mpl", "--", *argv]


def _closed(path: Path) -> Path | None:
    """The outermost folder above ``path`` that other users cannot pass through (``/root``), if any."""
    for folder in reversed(path.parents[:-1]):
        if not folder.stat().st_mode & 0o001:
            return folder
    return None


def _parents(folder: Path, uid: int) -> list[str]:
    """For bwrap run by root: make ``folder``'s parents traversable (it would make them 0700, root's)."""
    if not uid:
        return []
    return [arg for parent in reversed(folder.parents[:-1]) for arg in ("--perms", "0755", "--dir", str(parent))]


def kernelspec(folder: Path, scratch: Path, hide: list[Path], limits: Limits | None = None) -> str:
    """Write a kernelspec named ``kurils-sandbox`` under ``folder/kernels``; return its name.

    Point ``JUPYTER_PATH`` at ``folder`` so that nbclient finds it.
    """
    spec = folder / "kernels" / "kurils-sandbox"
    spec.mkdir(parents=True, exist_ok=True)
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    argv = [
        sys.executable,
        "-m",
        "kurils.grading.sandbox",
        json.dumps({"scratch": str(scratch), "hide": [str(h) for h in hide], "limits": asdict(limits or Limits())}),
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
    """``python -m kurils.grading.sandbox CONFIG -- KERNEL ARGV``: exec the kernel inside bubblewrap."""
    config = json.loads(argv[0])
    kernel = argv[argv.index("--") + 1 :]
    scratch = Path(config["scratch"])
    # The kernel reads its connection file (somewhere in the grader's temporary files) when it starts:
    # it is handed in as data, so none of the grader's folders needs to be visible.
    flag = kernel.index("-f") + 1
    with open(kernel[flag], encoding="utf-8") as handle:
        info = json.load(handle)
    connection = os.open(kernel[flag], os.O_RDONLY)
    os.set_inheritable(connection, True)
    kernel[flag] = "/tmp/.kurils/connection.json"
    # With the IPC transport (the only one that works without a network), the kernel makes its
    # sockets in the folder of the connection's "ip", which is mounted in, writable, at the same path.
    sockets = [Path(info["ip"]).parent] if info.get("transport") == "ipc" else []
    limits = Limits(**config.get("limits", {}))
    # The kernel's own stdout/stderr (not what cells print, which travels to the grader) is discarded,
    # so a notebook writing straight to file descriptor 1 cannot fill the grader's disk or memory.
    devnull = os.open(os.environ.get("KURILS_SANDBOX_LOG", os.devnull), os.O_WRONLY | os.O_CREAT)
    uid = 0
    if os.geteuid() == 0:  # Linux exempts root from the process limit: the kernel gets a user id of its own
        uid = ROOT_UIDS + os.getpid() % 100_000
        for folder in [scratch, *sockets]:
            os.chown(folder, uid, uid)
    full = command(scratch, [Path(h) for h in config["hide"]], kernel, limits, uid)
    split = full.index("--")
    # bwrap run by root makes what it creates root's: the kernel's user must be able to use them.
    extra = ["--perms", "1777", "--dir", "/tmp/home", "--perms", "0444"] if uid else ["--dir", "/tmp/home"]
    extra += ["--ro-bind-data", str(connection), kernel[flag]]
    for folder in sockets:
        extra += [*_parents(folder, uid), "--bind", str(folder), str(folder)]
    full[split:split] = extra
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.execvp(full[0], full)


if __name__ == "__main__":
    main(sys.argv[1:])
