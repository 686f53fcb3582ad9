"""Keep machine paths and user names out of executed notebooks.

papermill records where a notebook ran: its input and output paths, the injected parameters (the
CBS folder, the temporary output folder), and outputs can carry paths too (warnings, log lines).
None of that belongs in a report. Two levels:

:func:`scrub_executed_notebook`
    The runner, before an executed report moves into ``reports/``: absolute paths become
    project-relative (or are shortened to their last part), user names are removed. Everything
    else stays: the notebook remains the record of the run.
:func:`scrub_failed_notebook`
    The runner, for the failed notebook it keeps next to the report
    (``reports/<code>/.<periode>.mislukt.ipynb``): the same rewriting, and in every output (the
    traceback included) whatever may be personal data is replaced by ``<verwijderd>``
    (:func:`tussenstand.disclosure.redact_personal_data`): an error about a bad input can quote
    the input.
:func:`strip_for_publication`
    The site, before Quarto publishes a report: the same rewriting, and besides every notebook
    metadata key but the kernel's name and language, every cell metadata key but ``tags``, stderr
    output (warnings, log lines) and widget state are dropped.

Binary outputs (PNG, JPEG, GIF, PDF as base64) are never rewritten.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tussenstand.atomic import write_text_atomic
from tussenstand.disclosure import redact_personal_data

#: Cell metadata kept in published notebooks; everything else (papermill, execution times,
#: widget state, editor state) is dropped.
_KEEP_CELL_METADATA = ("tags",)
_KEEP_KERNELSPEC = ("name", "display_name", "language")
_KEEP_LANGUAGE_INFO = (
    "name",
    "version",
    "mimetype",
    "file_extension",
    "codemirror_mode",
    "pygments_lexer",
    "nbconvert_exporter",
)
#: Output mime types that are binary (base64): never rewritten.
_BINARY_MIME_PREFIXES = ("image/png", "image/jpeg", "image/gif", "application/pdf")
_WIDGET_PREFIX = "application/vnd.jupyter.widget"
#: Roots under which an absolute path names a machine or a person; the scrubber adds the top
#: folders of every path it knows (project, CBS folder, working folder, interpreter, temp folder),
#: so a checkout under any other top folder is caught as well.
_COMMON_ROOTS = (
    "home", "Users", "root", "tmp", "work", "var", "private", "mnt", "opt", "srv", "usr",
    "media", "data", "scratch", "builds", "workspace",
)  # fmt: skip


def _abs_path_re(roots: Iterable[str]) -> re.Pattern[str]:
    names = "|".join(sorted({re.escape(r) for r in roots if r}, key=len, reverse=True))
    return re.compile(
        rf"(?<![\w.~/:-])(?:/(?:{names})(?![\w.-])"
        r"(?:/[^\s'\"<>)\]},;:|]*)?"
        r"|[A-Za-z]:\\\\?(?:[^\s'\"<>|]+))"
    )


def _top_folder(path: str | Path) -> str:
    parts = Path(path).parts
    return parts[1] if len(parts) > 2 and parts[0] == "/" else ""


_HOME_USER_RE = re.compile(
    r"/(?:home|Users)/([A-Za-z0-9._-]+)|[A-Za-z]:\\\\?Users\\\\?([A-Za-z0-9._-]+)"
)
#: Folder names that look like user names in a path but are not (a CI runner's home is ``runner``).
_COMMON_NAMES = {"root", "user", "users", "home", "runner", "admin", "data", "work"}
USER_PLACEHOLDER = "<gebruiker>"


class NotebookError(ValueError):
    """A file that is not a readable Jupyter notebook; the message names the file."""


class Scrubber:
    """Rewrites absolute paths (to project-relative or shortened ones) and removes user names.

    ``extra`` maps further absolute paths to the text that replaces them (the run's temporary
    folder -> its final place, the CBS folder -> ``<CBS-map>``).
    """

    def __init__(self, root: Path, extra: Mapping[str, str] | None = None):
        pairs: list[tuple[str, str]] = [
            (known.rstrip("/"), label) for known, label in (extra or {}).items()
        ]
        resolved = str(root.resolve())
        pairs.append((resolved + "/", ""))
        pairs.append((resolved, "."))
        if str(root) != resolved:
            pairs.append((str(root).rstrip("/") + "/", ""))
        home = str(Path.home())
        if home not in ("/", ""):
            pairs.append((home, "~"))
        # longest first, so that a sub folder wins over its parent
        self.pairs = sorted(pairs, key=lambda kv: len(kv[0]), reverse=True)
        known = [root, root.resolve(), Path.cwd(), sys.prefix, sys.base_prefix]
        known += [tempfile.gettempdir(), home, *(extra or {})]
        self.path_re = _abs_path_re([*_COMMON_ROOTS, *(_top_folder(p) for p in known)])
        self.users: set[str] = set()
        # no user name known (a container's uid without a passwd entry): KeyError up to Python 3.12,
        # OSError from 3.13; ImportError where the pwd module is missing
        with contextlib.suppress(OSError, KeyError, ImportError):
            self.add_user(getpass.getuser())

    def add_user(self, name: str) -> None:
        if name and len(name) >= 3 and name.lower() not in _COMMON_NAMES:
            self.users.add(name)

    def collect_users(self, text: str) -> None:
        """Remember the user names in the home folders ``text`` mentions."""
        for m in _HOME_USER_RE.finditer(text):
            self.add_user(m.group(1) or m.group(2) or "")

    def __call__(self, text: str) -> str:
        for known, label in self.pairs:
            if known and known in text:
                text = text.replace(known, label)
        text = self.path_re.sub(_shorten_path, text)
        for user in self.users:
            text = re.sub(rf"(?<![\w]){re.escape(user)}(?![\w])", USER_PLACEHOLDER, text)
        return text


def _shorten_path(m: re.Match) -> str:
    path = m.group(0).rstrip("/\\")
    name = re.split(r"[/\\]", path)[-1] if path else ""
    return f"…/{name}" if name else "…"


def _walk_strings(obj: Any, fn: Callable[[str], str], skip_binary: bool = False) -> Any:
    if isinstance(obj, str):
        return fn(obj)
    if isinstance(obj, list):
        return [_walk_strings(v, fn, skip_binary) for v in obj]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if skip_binary and isinstance(k, str) and k.startswith(_BINARY_MIME_PREFIXES):
                out[k] = v
            else:
                out[k] = _walk_strings(v, fn, skip_binary)
        return out
    return obj


def _all_text(obj: Any) -> Iterable[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, list):
        for v in obj:
            yield from _all_text(v)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            if not (isinstance(k, str) and k.startswith(_BINARY_MIME_PREFIXES)):
                yield from _all_text(v)


def read_notebook(path: Path) -> dict:
    """The notebook at ``path`` as JSON; :class:`NotebookError` when it is not one."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise NotebookError(
            f"{path.name}: geen geldig notebook (JSON-fout regel {exc.lineno}: {exc.msg})"
        ) from exc
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path.name}: geen Jupyter-notebook (verwacht een object met 'cells')")
    return nb


def strip_for_publication(nb: dict, scrubber: Scrubber) -> dict:
    """``nb`` (in place) without private metadata, stderr output and widget state, its paths and
    user names rewritten by ``scrubber``."""
    # collect user names from every path first, so that a bare user name elsewhere is caught too
    for text in _all_text(nb):
        scrubber.collect_users(text)

    meta = nb.get("metadata") or {}
    clean_meta: dict[str, Any] = {}
    if isinstance(meta.get("kernelspec"), Mapping):
        clean_meta["kernelspec"] = {
            k: meta["kernelspec"][k] for k in _KEEP_KERNELSPEC if k in meta["kernelspec"]
        }
    if isinstance(meta.get("language_info"), Mapping):
        clean_meta["language_info"] = {
            k: meta["language_info"][k] for k in _KEEP_LANGUAGE_INFO if k in meta["language_info"]
        }
    nb["metadata"] = _walk_strings(clean_meta, scrubber)

    cells = []
    for cell in nb.get("cells", []):
        cmeta = cell.get("metadata") or {}
        cell["metadata"] = {k: cmeta[k] for k in _KEEP_CELL_METADATA if k in cmeta}
        if cell.get("cell_type") == "code":
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    continue  # warnings and log lines: not for readers, and they carry paths
                for key in ("metadata", "data"):
                    if isinstance(out.get(key), dict):
                        out[key] = {
                            k: v for k, v in out[key].items() if not k.startswith(_WIDGET_PREFIX)
                        }
                outputs.append(out)
            cell["outputs"] = outputs
        cells.append(_walk_strings(cell, scrubber, skip_binary=True))
    nb["cells"] = cells
    return nb


def scrub_executed_notebook(
    path: Path,
    root: Path,
    extra_paths: Mapping[str, str] | None = None,
    *,
    redact_outputs: bool = False,
) -> None:
    """Make an executed notebook safe to keep in ``reports/``: absolute paths (papermill's input
    and output paths, the injected parameters, paths in outputs) become project-relative or
    shortened, user names are removed. With ``redact_outputs`` every output (stream text, error
    value and traceback, displayed text) also loses what may be personal data
    (:func:`tussenstand.disclosure.redact_personal_data`). Everything else stays: the notebook
    remains the record of the run (the site strips further before publishing,
    :func:`strip_for_publication`)."""
    nb = read_notebook(path)
    scrubber = Scrubber(root, extra_paths)
    for text in _all_text(nb):
        scrubber.collect_users(text)
    nb = _walk_strings(nb, scrubber, skip_binary=True)
    if redact_outputs:
        for cell in nb.get("cells", []):
            if isinstance(cell, dict) and "outputs" in cell:
                cell["outputs"] = _walk_strings(cell["outputs"], redact_personal_data, True)
    write_text_atomic(path, json.dumps(nb, ensure_ascii=False, indent=1) + "\n")


def scrub_failed_notebook(
    path: Path, root: Path, extra_paths: Mapping[str, str] | None = None
) -> None:
    """A failed executed notebook kept for inspection: scrubbed like a good one
    (:func:`scrub_executed_notebook`) and without personal data in its outputs."""
    scrub_executed_notebook(path, root, extra_paths, redact_outputs=True)
