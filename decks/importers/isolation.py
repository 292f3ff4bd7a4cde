"""Parsing an upload in a child process, so no parser bug can hold the web worker.

Every pattern and cap in the importers bounds what a file may cost, but a mistake in any of
them, or in Pillow, zstd or SQLite underneath, would otherwise cost the worker that serves
students. The parse runs in a forked child with a CPU limit (`RLIMIT_CPU`) and a memory
limit (`RLIMIT_AS`, the worker's own size plus a budget); the worker waits at most a
little longer than the CPU limit and kills the child after that. The child reads no
database and writes nothing: it only turns bytes into a `ParseResult`, which it sends back
pickled. Whatever goes wrong, the teacher gets an error naming the file, and the worker
goes on. (A child forked from a threaded worker could, rarely, wait forever on a lock
another thread held at the fork; the wall-clock kill ends that too.)
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
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from decks.importers.base import ImportLimits, ParseResult, Problem
from decks.importers.detect import parse_upload

# Seconds the worker waits beyond the child's CPU limit: for I/O and the pickled result.
_WALL_CLOCK_GRACE = 5
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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
    # child killed before its own clean-up leaves none behind.
    scratch = tempfile.mkdtemp(prefix="stamp-parse-")
    child = context.Process(
        target=_parse_in_child,
        args=(send, scratch, data, filename, format, limits, budget),
        daemon=True,
    )
    try:
        child.start()
        send.close()
        try:
            if receive.poll(budget.cpu_seconds + _WALL_CLOCK_GRACE):
                outcome = pickle.loads(receive.recv_bytes())
            else:
                outcome = ("timeout", None)
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
