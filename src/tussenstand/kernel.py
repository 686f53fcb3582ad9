"""How the notebooks' kernels are started (for `tussenstand build` and `make notebooks`).

Imported only when notebooks run: jupyter_client is not needed for `tussenstand list` or a no-op
build.
"""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from traitlets.config import Config


class QuietShutdownKernelManager(AsyncKernelManager):
    """jupyter_client interrupts a kernel before it shuts it down; an idle ipykernel then logs
    'KeyboardInterrupt caught in kernel' into the build's output. The notebook has finished when
    papermill shuts the kernel down, so there is nothing to interrupt."""

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
