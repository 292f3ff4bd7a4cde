"""Parsing an upload in a child process, so no parser bug can hold the web worker.

Every pattern and cap in the importers bounds what a file may cost, but a mistake in any of
them, or in Pillow, zstd or SQLite underneath, would otherwise cost the worker that serves
students. The parse runs in a forked child with a CPU limit (`RLIMIT_CPU`) and a memory
limit (`RLIMIT_AS`, the worker's own size plus a budget). The limit is on CPU, not on the
clock: a parse that waits for the CPU behind other parses is let finish. The child reads
no database and writes nothing: it only turns bytes into a `ParseResult`, which it sends
back pickled. Whatever goes wrong, the teacher gets an error naming the file, and the
worker goes on. (A child forked from a threaded worker could, rarely, wait forever on a
lock another thread held at the fork: one that sleeps without using any CPU for
`_STUCK_SECONDS` is killed.)
"""

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import resource
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import PurePath
from typing import cast

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decks.importers.base import ImportLimits, ParseResult, Problem
from decks.importers.detect import parse_upload

# The child is stopped by its CPU limit, not by the clock: a parse waiting for the CPU
# behind other parses (runnable, using its share) is let finish. Only a child that sleeps
# without using any CPU this long is taken as stuck (a lock copied by the fork) and killed.
_STUCK_SECONDS = 10
# Checks of the child's state while it parses.
_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
# A parse's scratch folder: this prefix, the worker's process id, a random part.
_SCRATCH_PREFIX = "stamp-parse-"


@dataclass(frozen=True)
class ParseBudget:
    cpu_seconds: int
    memory_bytes: int  # on top of the worker's own size when the child starts


def parse_budget() -> ParseBudget:
    return ParseBudget(
        cpu_seconds=settings.STAMP_IMPORT_PARSE_CPU_SECONDS,
        memory_bytes=settings.STAMP_IMPORT_PARSE_MEMORY_MB * 1024 * 1024,
    )


def parse_upload_isolated(
    data: bytes,
    *,
    filename: str,
    format: str | None = None,
    limits: ImportLimits,
    budget: ParseBudget | None = None,
) -> ParseResult:
    """`detect.parse_upload` in a child process under `budget`; an error result if it fails."""
    budget = budget or parse_budget()
    # Forked, the child has the modules, settings and the active language already; it
    # touches no inherited connection and leaves through os._exit, closing none.
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    # The child's temporary files (an Anki collection is unpacked to one) live here, so a
    # child killed before its own clean-up leaves none behind; a worker killed during a
    # parse leaves this folder, which the next parse in any worker removes.
    _remove_folders_of_dead_workers()
    scratch = tempfile.mkdtemp(prefix=f"{_SCRATCH_PREFIX}{os.getpid()}-")
    child = context.Process(
        target=_parse_in_child,
        args=(send, scratch, data, filename, format, limits, budget),
        daemon=True,
    )
    try:
        child.start()
        send.close()
        try:
            if _answered(receive, cast(int, child.pid)):  # started: it has a pid
                outcome = pickle.loads(receive.recv_bytes())
            else:
                outcome = ("stuck", None)
        except EOFError:  # the child died before it could answer
            outcome = ("died", None)
        finally:
            receive.close()
            if child.is_alive():
                child.kill()
            child.join()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    kind, value = outcome
    if kind == "result":
        return value
    if kind == "died" and child.exitcode == -signal.SIGXCPU:
        kind = "timeout"
    problem = Problem(_failure_message(kind, value, budget), file=_name(filename))
    return ParseResult(errors=[problem])


def _answered(receive, pid: int) -> bool:
    """Wait for the child's answer for as long as it works: False once it has slept
    without using any CPU for `_STUCK_SECONDS` (its CPU limit ends a busy one itself)."""
    cpu, idle_since = _cpu_ticks(pid), time.monotonic()
    while not receive.poll(_POLL_SECONDS):
        now_cpu = _cpu_ticks(pid)
        if now_cpu is None:  # gone: its pipe says so on the next poll
            return receive.poll(_POLL_SECONDS)
        if now_cpu != cpu or _runnable(pid):
            cpu, idle_since = now_cpu, time.monotonic()
        elif time.monotonic() - idle_since > _STUCK_SECONDS:
            return False
    return True


def _proc_stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # after "pid (name) "


def _cpu_ticks(pid: int) -> int | None:
    """CPU the process has used (user and system, in clock ticks); None once it is gone."""
    fields = _proc_stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else None


def _runnable(pid: int) -> bool:
    """Running or waiting for a CPU: a parse behind others, not one stuck on a lock."""
    fields = _proc_stat(pid)
    return fields is not None and fields[0] == "R"


def _remove_folders_of_dead_workers() -> None:
    """Remove the scratch folders of workers that died during a parse (a SIGKILL, the
    out-of-memory killer), known by the process id in their names."""
    folder = tempfile.gettempdir()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        pid = name.removeprefix(_SCRATCH_PREFIX).split("-")[0]
        if name.startswith(_SCRATCH_PREFIX) and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(folder, name), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _parse_in_child(send, scratch, data, filename, format, limits, budget: ParseBudget) -> None:
    outcome: tuple[str, object]
    try:
        _limit_self(budget)
        tempfile.tempdir = scratch
        outcome = ("result", parse_upload(data, filename=filename, format=format, limits=limits))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as error:  # a parser bug: report it rather than lose the worker
        outcome = ("crash", f"{type(error).__name__}: {error}"[:300])
    try:
        send.send_bytes(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL))
    except MemoryError:
        send.send_bytes(pickle.dumps(("memory", None)))
    send.close()


def _limit_self(budget: ParseBudget) -> None:
    """The child's limits: CPU, memory, no core file; and it dies with the worker."""
    _lower_limit(resource.RLIMIT_CPU, budget.cpu_seconds, budget.cpu_seconds + 1)
    address_space = _own_size() + budget.memory_bytes
    _lower_limit(resource.RLIMIT_AS, address_space, address_space)
    # SIGXCPU's default is to dump core: a gigabyte written per stopped parse otherwise.
    _lower_limit(resource.RLIMIT_CORE, 0, 0)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # gunicorn's handlers are the worker's
    # Linux: killed with the worker, so a child waiting on a lock copied by the fork (it
    # uses no CPU) is not left behind if the worker itself is killed.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _lower_limit(which: int, soft: int, hard: int) -> None:
    """Set a limit, never above the hard limit the worker already has (which would fail)."""
    _, current_hard = resource.getrlimit(which)
    if current_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, current_hard), min(hard, current_hard)
    resource.setrlimit(which, (soft, hard))


def _own_size() -> int:
    """This process's virtual size in bytes, where the memory budget starts from."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _name(filename: str) -> str:
    return PurePath(filename.replace("\\", "/")).name or "the upload"


def _failure_message(kind: str, detail: str | None, budget: ParseBudget) -> str:
    if kind == "timeout":
        return ngettext(
            "Reading the file took more than %(seconds)s second, so it was stopped. "
            "Split it into smaller files, or check that it is a deck export.",
            "Reading the file took more than %(seconds)s seconds, so it was stopped. "
            "Split it into smaller files, or check that it is a deck export.",
            budget.cpu_seconds,
        ) % {"seconds": budget.cpu_seconds}
    if kind == "stuck":
        return _(
            "Reading the file stopped making progress, so it was stopped. Try again, or "
            "split it into smaller files."
        )
    if kind == "memory":
        return _(
            "Reading the file needed more than %(mb)s MB of memory, so it was stopped. "
            "Split it into smaller files."
        ) % {"mb": budget.memory_bytes // (1024 * 1024)}
    if kind == "crash":
        return _(
            "The file could not be read: the reader failed (%(detail)s). "
            "Please send the file to the app's maintainers."
        ) % {"detail": detail}
    return _("Reading the file stopped unexpectedly. Try again, or split it into smaller files.")
