"""Execution backends: run the chunks of an ensemble serially, in a local process pool,
or on a Dask cluster (a ``LocalCluster`` or an existing scheduler by address).

A backend maps one module-level function over a list of tasks.  Every task gets the
same *payload* (the scenario arrays, the model's name and parameters, the seed: plain
picklable data, never a lambda); Dask sends it to each worker once.  Results come back
in task order, so the caller's summaries never depend on which worker finished first.

The work a task does is fixed by the caller (see :mod:`negotia.ensemble.montecarlo`),
never by the backend or its number of workers, which is what makes the summaries of
one seed bit-identical on every backend.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

from negotia.errors import BackendError, NegotiaError, ParameterError

BACKENDS = ("serial", "processes", "dask")

#: glibc mmap threshold for Dask worker processes (bytes); see DaskBackend.
_MMAP_THRESHOLD = 32 * 2**20

Progress = Callable[[int], None]


class Backend:
    """Runs ``fn(payload, *task)`` for every task and returns the results in task order."""

    name = "base"
    workers = 1

    def map(
        self,
        fn: Callable[..., Any],
        payload: Any,
        tasks: Sequence[tuple[Any, ...]],
        *,
        sizes: Sequence[int] | None = None,
        progress: Progress | None = None,
    ) -> list[Any]:
        raise NotImplementedError

    def close(self) -> None:
        """Release workers (a no-op for backends that hold none)."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"


class SerialBackend(Backend):
    """Everything in this process, one task after the other."""

    name = "serial"

    def map(self, fn, payload, tasks, *, sizes=None, progress=None):  # type: ignore[no-untyped-def]
        out = []
        for k, task in enumerate(tasks):
            out.append(fn(payload, *task))
            if progress is not None:
                progress(sizes[k] if sizes is not None else 1)
        return out


class ProcessBackend(Backend):
    """A local pool of worker processes (``concurrent.futures``).

    The pool starts on first use and is kept for later runs until :meth:`close`.
    Workers start with the ``forkserver`` method where the platform has it (``spawn``
    elsewhere), so a parent with threads (a progress bar) is never forked.
    """

    name = "processes"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = _check_workers(workers)
        self._pool: ProcessPoolExecutor | None = None

    def _get_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            ctx = multiprocessing.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload(["negotia.ensemble.montecarlo"])
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def map(self, fn, payload, tasks, *, sizes=None, progress=None):  # type: ignore[no-untyped-def]
        results: list[Any] = [None] * len(tasks)
        try:
            pool = self._get_pool()
            # The payload is small (the unperturbed arrays, the model's name and
            # parameters); each task carries its own copy.
            futures = {pool.submit(fn, payload, *task): k for k, task in enumerate(tasks)}
            pending = set(futures)
            try:
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        k = futures[f]
                        results[k] = f.result()
                        if progress is not None:
                            progress(sizes[k] if sizes is not None else 1)
            except BaseException:
                for f in pending:
                    f.cancel()
                raise
        except BrokenProcessPool as e:
            self.close()
            raise BackendError(
                f"a worker process of the process pool died: {e} (a Python script that uses the "
                "process pool must start its work under `if __name__ == '__main__':`)"
            ) from None
        return results

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskBackend(Backend):
    """Dask distributed: an existing scheduler by ``address``, or a ``LocalCluster``.

    Parameters
    ----------
    address
        ``tcp://host:8786`` of a running scheduler (its workers need negotia installed),
        or None to start a ``LocalCluster`` on this machine.
    workers
        Workers of the local cluster (default: the number of CPUs); ignored with an address.
    processes
        Local cluster with worker processes (default) or threads in this process.
    timeout
        Seconds to wait for the scheduler before giving up with a BackendError.
    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        workers: int | None = None,
        *,
        processes: bool = True,
        timeout: float = 10.0,
    ) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as e:  # pragma: no cover - a declared dependency
            raise BackendError(f"the dask backend needs dask.distributed: {e}") from None
        self.address = address
        self._cluster = None
        if address is not None:
            # The client waits without limit for a peer that accepts the connection but
            # never answers like a scheduler (an HTTP server, say), and reads a stranger's
            # bytes as frame lengths ("Unable to allocate 3.07 EiB"); so ask first.
            probe_scheduler(address, timeout)
            try:
                self._client = Client(address, timeout=f"{timeout}s", set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError, MemoryError) as e:
                raise BackendError(
                    f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s: {e}"
                ) from None
            info = self._client.scheduler_info()
            self.workers = max(1, len(info.get("workers", {})))
        else:
            self.workers = _check_workers(workers)
            import dask

            # The nanny starts workers with a fixed MALLOC_TRIM_THRESHOLD_, which turns
            # off glibc's adaptive mmap threshold: every block-sized NumPy temporary is
            # then a fresh mmap with page faults (measured 2-4x slower tasks).  A fixed
            # mmap threshold above the block size keeps them on the reused heap.
            environ = {"distributed.nanny.pre-spawn-environ.MALLOC_MMAP_THRESHOLD_": _MMAP_THRESHOLD}
            try:
                with dask.config.set(environ):
                    self._cluster = LocalCluster(
                        n_workers=self.workers,
                        threads_per_worker=1,
                        processes=processes,
                        dashboard_address=":0",
                        silence_logs=logging.ERROR,
                    )
                self._client = Client(self._cluster, set_as_default=False)
            except Exception as e:
                if self._cluster is not None:
                    self._cluster.close()
                raise BackendError(f"cannot start a local Dask cluster: {e}") from None

    def describe(self) -> str:
        where = self.address or "local cluster"
        return f"dask at {where} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def map(self, fn, payload, tasks, *, sizes=None, progress=None):  # type: ignore[no-untyped-def]
        from distributed import as_completed

        client = self._client
        shared = client.scatter(payload, broadcast=True)
        futures = [client.submit(fn, shared, *task, pure=False) for task in tasks]
        index = {f.key: k for k, f in enumerate(futures)}
        try:
            for f in as_completed(futures, loop=client.loop):
                if f.status == "error":
                    f.result()  # raises the worker's exception here
                if progress is not None:
                    k = index[f.key]
                    progress(sizes[k] if sizes is not None else 1)
            return client.gather(futures)
        except NegotiaError:
            raise
        except Exception as e:
            if type(e).__module__.startswith("distributed"):
                raise BackendError(f"the Dask run failed: {e}") from None
            raise
        finally:
            client.cancel(futures)
            client.cancel([shared])

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def probe_scheduler(address: str, timeout: float) -> None:
    """Return if a Dask scheduler answers at ``address`` within ``timeout`` seconds;
    :class:`BackendError` saying what is there otherwise (nothing, or something else).

    Asks the peer for its identity over Dask's own protocol, in a thread of its own
    (so it works where an event loop already runs, as in a notebook).
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout

    async def ask() -> Any:
        from distributed.comm import connect

        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity", "reply": True})
            return await comm.read()
        finally:
            comm.abort()

    if not isinstance(timeout, int | float) or not timeout > 0:
        raise ParameterError(f"the timeout must be a positive number of seconds, got {timeout!r}")
    pool = ThreadPoolExecutor(1, thread_name_prefix="negotia-dask-probe")
    try:
        reply = pool.submit(asyncio.run, asyncio.wait_for(ask(), timeout)).result(timeout + 5)
    except (TimeoutError, FutureTimeout):
        raise BackendError(
            f"no Dask scheduler answered at {address!r} within {timeout:g} s "
            "(is the address right, and is it a scheduler's, not a dashboard's?)"
        ) from None
    except (OSError, ValueError, TypeError) as e:
        raise BackendError(
            f"cannot reach the Dask scheduler at {address!r} within {timeout:g} s: {e}"
        ) from None
    except Exception as e:  # a peer that does not speak Dask's protocol
        raise BackendError(
            f"{address!r} is not a Dask scheduler (its answer could not be read: {type(e).__name__})"
        ) from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        what = f"a Dask {kind.lower()}" if isinstance(kind, str) else "something else"
        raise BackendError(f"{address!r} is not a Dask scheduler but {what}; give the scheduler's address")


def available_cpus() -> int:
    """CPUs this process may run on."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


class ThreadMap:
    """``map`` over the independent chunks of one model run, on a pool of ``threads``
    threads (NumPy releases the GIL); results come back in chunk order.

    Models never start threads (ARCHITECTURE.md, "Models stay pure"): a model that can
    split its work takes a ``mapper`` argument, and the one running it decides the
    threads.  One model call in this process may use every CPU; a task inside a process
    pool or a Dask worker keeps to one thread (the builtin ``map``), since the backend's
    workers already share the CPUs.
    """

    def __init__(self, threads: int) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.threads = threads
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="negotia-model")

    def __call__(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return self._pool.map(fn, items)

    def close(self) -> None:
        self._pool.shutdown()


@contextmanager
def thread_map(threads: int | None = None) -> Iterator[Callable[..., Iterator[Any]]]:
    """A mapper for one model call on ``threads`` threads (default: every CPU this
    process may use); the builtin ``map`` for one thread."""
    threads = available_cpus() if threads is None else _check_workers(threads)
    if threads == 1:
        yield map
        return
    pool = ThreadMap(threads)
    try:
        yield pool
    finally:
        pool.close()


def _check_workers(workers: int | None) -> int:
    if workers is None:
        return available_cpus()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(f"the number of workers must be a positive integer, got {workers!r}")
    return workers


def make_backend(
    backend: str | Backend = "serial",
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = 10.0,
) -> Backend:
    """A backend by name; ``scheduler`` (an address) implies ``dask``.

    An already built :class:`Backend` is returned as it is.
    """
    if isinstance(backend, Backend):
        return backend
    if scheduler is not None and backend in ("serial", None):
        backend = "dask"
    if backend not in BACKENDS:
        raise ParameterError(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
    if scheduler is not None and backend != "dask":
        raise ParameterError(f"--scheduler needs the dask backend, not {backend!r}")
    if backend == "serial":
        if workers not in (None, 1):
            raise ParameterError("the serial backend runs on one worker; use --backend processes or dask")
        return SerialBackend()
    if backend == "processes":
        return ProcessBackend(workers)
    if sys.platform == "emscripten":  # pragma: no cover
        raise BackendError("the dask backend is not available on this platform")
    return DaskBackend(scheduler, workers, timeout=timeout)
