"""How the notebooks' kernels are started, reused and reset (for `tussenstand build` and
`make notebooks`).

A kernel costs about half a CPU-second to start, and each notebook then imports pandas, matplotlib
and the package (about a second more). :class:`KernelPool` keeps one *warm* kernel per thread that
runs notebooks, for every notebook of a run and for the runs after it. papermill still executes
each parameterized notebook (its engine :data:`WARM_ENGINE` is papermill's nbclient engine, handed
the pool's kernel through ``km=``, so nbclient leaves the kernel running).

Before every notebook the kernel is put back into the state of a fresh one (:data:`_SETUP_CODE`):
an empty namespace (IPython's ``reset``: variables, imports into the namespace, output history),
the execution count back at 1, the run's own folder as working directory, the environment
variables, ``sys.path`` and warning filters as they were when the kernel started (warnings that
were shown once are shown again), matplotlib's settings from its rc file and no open pyplot
figures. What stays is what makes it fast: imported modules. An executed notebook therefore looks
as it would from a new kernel. A kernel whose run failed is shut down and replaced, and a kernel is
replaced after :data:`MAX_NOTEBOOKS_PER_KERNEL` notebooks so that memory cannot creep up.

Imported only where notebooks run: jupyter_client and papermill are not needed for
`tussenstand list` or a no-op build.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args
from traitlets.config import Config

from tussenstand.locks import OwnedTempDir

#: the papermill engine that runs a notebook in a kernel of a :class:`KernelPool`
WARM_ENGINE = "tussenstand-warm"
#: a kernel is replaced after this many notebooks (about 100 reports)
MAX_NOTEBOOKS_PER_KERNEL = 200
#: IPython's history in memory, as nbclient does for the kernels it starts: nothing on disk
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
#: the module (only in the kernel's ``sys.modules``) that holds the fresh state and ``reset``
STATE_MODULE = "_tussenstand_kernel"


class QuietShutdownKernelManager(AsyncKernelManager):
    """jupyter_client interrupts a kernel before it shuts it down; an idle ipykernel then logs
    'KeyboardInterrupt caught in kernel' into the build's output. The notebook has finished when
    the kernel is shut down, so there is nothing to interrupt."""

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


def kernel_config(socket_dir: Path) -> Config:
    """Kernel settings for a run. On POSIX the kernel and papermill talk over local sockets (IPC)
    in a folder of the run's own instead of over TCP on localhost: nothing listens on a port, and
    ipykernel's warning about unencrypted TCP stays out of the build's output. Windows keeps TCP."""
    quiet = {"NotebookClient": {"kernel_manager_class": f"{__name__}.QuietShutdownKernelManager"}}
    if os.name != "posix":
        return Config(quiet)
    ipc = {"transport": "ipc", "ip": str(socket_dir / "kernel")}
    return Config({"KernelManager": ipc, "AsyncKernelManager": ipc, **quiet})


class KernelResetError(RuntimeError):
    """A warm kernel could not be put back into a fresh state."""


# Executed silently in a new kernel, once: remembers the fresh state and defines ``reset``. Runs in
# the kernel's namespace; everything it defines lives in a module of its own (no name is left in
# the namespace a notebook sees).
_SETUP_CODE = f"""\
def _tussenstand_setup(ip):
    import gc, os, sys, types, warnings
    state = types.ModuleType({STATE_MODULE!r})
    environ = dict(os.environ)
    path = list(sys.path)
    filters = list(warnings.filters)

    def reset(cwd):
        ip.reset(new_session=True)  # namespace, output history; execution count back at 1
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environ)
        sys.path[:] = path
        warnings.resetwarnings()  # also forgets which warnings were already shown
        warnings.filters[:] = filters
        if "matplotlib.pyplot" in sys.modules:
            sys.modules["matplotlib.pyplot"].close("all")
        if "matplotlib" in sys.modules:
            sys.modules["matplotlib"].rc_file_defaults()
        gc.collect()  # the previous notebook's figures and tables, before the next one starts

    state.reset = reset
    sys.modules[state.__name__] = state

_tussenstand_setup(get_ipython())
del _tussenstand_setup
"""


def _reset_code(cwd: str) -> str:
    return f"__import__('sys').modules[{STATE_MODULE!r}].reset({cwd!r})"


class WarmKernel:
    """A running kernel of a :class:`KernelPool`, with its socket folder."""

    def __init__(self, kernel_name: str, socket_prefix: str):
        self.sockets = OwnedTempDir(socket_prefix)
        self.km = QuietShutdownKernelManager(
            kernel_name=kernel_name, config=kernel_config(self.sockets.path)
        )
        self.notebooks = 0
        self.prepared = False
        try:
            run_sync(self.km.start_kernel)(
                extra_arguments=list(KERNEL_ARGUMENTS), cwd=str(self.sockets.path)
            )
        except BaseException:
            self.sockets.remove()
            raise

    @property
    def pid(self) -> int | None:
        process = getattr(self.km.provisioner, "process", None)
        return getattr(process, "pid", None)

    def prepare_code(self, cwd: str) -> str:
        """What the kernel runs before a notebook: the setup once, then the reset."""
        code = _reset_code(cwd)
        if not self.prepared:
            code = _SETUP_CODE + code
        return code

    def shutdown(self) -> None:
        try:
            if run_sync(self.km.is_alive)():
                run_sync(self.km.shutdown_kernel)(now=False)
            else:
                run_sync(self.km.cleanup_resources)()
        except Exception:  # a kernel that is gone already: nothing to shut down
            pass
        finally:
            self.sockets.remove()


class KernelPool:
    """Warm kernels for the notebooks of a build: one per thread that runs notebooks.

    ``kernel()`` gives the calling thread its kernel, starting one when it has none (or when its
    kernel ran :data:`MAX_NOTEBOOKS_PER_KERNEL` notebooks); ``retire(kernel)`` shuts a kernel down
    (after a failed run); ``close()`` shuts every kernel down. A thread only ever uses its own
    kernel, so no kernel runs two notebooks at once.
    """

    def __init__(
        self,
        kernel_name: str,
        socket_prefix: str,
        max_notebooks: int = MAX_NOTEBOOKS_PER_KERNEL,
    ):
        self.kernel_name = kernel_name
        self.socket_prefix = socket_prefix
        self.max_notebooks = max_notebooks
        self.started = 0
        self._local = threading.local()
        self._lock = threading.Lock()
        self._kernels: list[WarmKernel] = []
        self._closed = False

    def kernel(self) -> WarmKernel:
        current: WarmKernel | None = getattr(self._local, "kernel", None)
        if current is not None and current.notebooks >= self.max_notebooks:
            self.retire(current)
            current = None
        if current is None:
            with self._lock:
                if self._closed:
                    raise RuntimeError("de kernels van deze build zijn al afgesloten")
            current = WarmKernel(self.kernel_name, self.socket_prefix)
            with self._lock:
                self._kernels.append(current)
                self.started += 1
            self._local.kernel = current
        current.notebooks += 1
        return current

    def retire(self, kernel: WarmKernel | None) -> None:
        if kernel is None:
            return
        with self._lock:
            if kernel in self._kernels:
                self._kernels.remove(kernel)
        if getattr(self._local, "kernel", None) is kernel:
            self._local.kernel = None
        kernel.shutdown()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            kernels, self._kernels = self._kernels, []
        for kernel in kernels:
            kernel.shutdown()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class WarmKernelClient(PapermillNotebookClient):
    """papermill's notebook client for a kernel it does not own: before the first cell it resets
    the kernel (see the module docstring); afterwards it closes its own connection (channels,
    heartbeat thread) and leaves the kernel running."""

    def __init__(self, nb_man: Any, kernel: WarmKernel, cwd: str, **kw: Any):
        super().__init__(nb_man, km=kernel.km, **kw)
        self.warm_kernel = kernel
        self.kernel_cwd = cwd

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        await self._run_silently(self.warm_kernel.prepare_code(self.kernel_cwd))
        self.warm_kernel.prepared = True
        return kc

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    async def _run_silently(self, code: str) -> None:
        msg_id = await ensure_async(
            self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        )
        reply = await self.async_wait_for_reply(msg_id)
        content = reply["content"] if reply else {}
        if content.get("status") != "ok":
            raise KernelResetError(
                "de kernel kon niet worden klaargezet voor het volgende notebook: "
                f"{content.get('ename', 'geen antwoord')}: {content.get('evalue', '')}"
            )

    @contextmanager
    def setup_kernel(self, **kwargs: Any):
        try:
            with super().setup_kernel(**kwargs):
                yield
        finally:
            if self.kc is not None:
                self.kc.stop_channels()
                self.kc = None


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine with :class:`WarmKernelClient`: ``execute_notebook(...,
    engine_name=WARM_ENGINE, warm_kernel=<WarmKernel>, kernel_cwd=<folder>)``."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        kernel = kwargs.pop("warm_kernel")
        cwd = kwargs.pop("kernel_cwd")
        # as papermill's NBClientEngine.execute_managed_notebook
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            safe_kwargs,
            timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log=logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        return WarmKernelClient(nb_man, kernel, cwd, **final_kwargs).execute()


papermill_engines.register(WARM_ENGINE, WarmKernelEngine)
