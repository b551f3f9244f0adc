"""GitTrack client for Python: log params, metrics, tags and artifacts from a training script.

Standard library only; works installed (``pip install src/clients/python``) or copied
next to your script. Under ``gittrack run -- python train.py`` every call appends to the run's events
file (the protocol in docs/protocol.md); anywhere else each call does nothing, and one warning on stderr
says the script is not being tracked, so the same script runs everywhere.

    import gittrack
    lr = gittrack.params().get("lr", 0.01)
    for epoch in range(10):
        gittrack.log_metric("loss", loss, step=epoch)
    gittrack.log_artifact("model.pt")
"""

import atexit
import collections
import json
import math
import os
import sys
import threading
import time
from types import TracebackType
from typing import IO, Any, Deque, Dict, Mapping, Optional, Protocol, SupportsIndex, Type, Union, cast

__all__ = [
    "log_param", "log_params", "log_metric", "log_metrics", "set_tag", "log_artifact", "log_input",
    "params", "run_id", "is_tracked", "flush",
]
__version__ = "0.1.0"

_FLUSH_SECONDS = 1.0      # at a crash, at most this much logging is lost
_FLUSH_LINES = 65536      # and a buffer never grows past this many lines


class SupportsItem(Protocol):
    """A numpy scalar, 0-d array or torch 0-d tensor: anything with ``.item()`` returning a Python number."""

    def item(self) -> Any: ...


Number = Union[float, int, bool, SupportsItem]
"""What a metric value may be (NaN and infinities included)."""
ParamValue = Union[bool, int, float, str, None, SupportsItem]
"""What a param value may be."""


class _Writer:
    """Buffers event lines and appends them to the events file at most every second.

    The buffer is a deque: threads append to its right while flush() takes lines from its left, both atomic, so a
    line appended while a flush runs stays for the next one (a list swapped out by the flush could take a line
    after it was written, and lose it)."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._lines: Deque[str] = collections.deque()
        self._file: Optional[IO[str]] = None
        self._lock = threading.Lock()
        self._last_flush = time.monotonic()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flush_periodically, name="gittrack-flush", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    def add(self, line: str) -> None:
        lines = self._lines
        lines.append(line)
        if len(lines) >= _FLUSH_LINES:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            lines = self._lines
            count = len(lines)
            self._last_flush = time.monotonic()
            if not count:
                return
            popleft = lines.popleft
            text = "".join([popleft() for _ in range(count)])
            if self._file is None:
                self._file = open(self._path, "a", encoding="utf-8")
            self._file.write(text)
            self._file.flush()

    def _flush_periodically(self) -> None:
        while not self._stop.wait(_FLUSH_SECONDS):
            try:
                self.flush()
            except OSError:
                pass

    def close(self) -> None:
        self._stop.set()
        self.flush()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


_events_path = os.environ.get("GITTRACK_EVENTS")
_writer = _Writer(_events_path) if _events_path else None
_previous_excepthook = sys.excepthook


def _excepthook(kind: Type[BaseException], value: BaseException, traceback: Optional[TracebackType]) -> None:
    # The run's error says why the script failed (docs/protocol.md, the "error" event); the traceback still prints.
    if _writer is not None and not issubclass(kind, KeyboardInterrupt):
        try:
            _writer.add('{"type":"error","message":%s}\n' % json.dumps(f"{kind.__name__}: {value}"))
            _writer.flush()
        except Exception:
            pass
    _previous_excepthook(kind, value, traceback)


if _writer is not None:
    sys.excepthook = _excepthook
_warned = False
_names: Dict[str, str] = {}  # metric name -> its JSON text, so the hot path formats no strings twice


def _untracked() -> None:
    global _warned
    if not _warned:
        _warned = True
        script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "your_script.py"
        print("gittrack: this script is not being tracked, so nothing is recorded "
              f"(run it as: gittrack run -- python {script})", file=sys.stderr)


def _json_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not name:
        raise TypeError(f"gittrack: {what} name must be a non-empty string, got {name!r}")
    text = _names.get(name)
    if text is None:
        text = _names[name] = json.dumps(name)
    return text


def _number(value: object, name: str) -> str:
    """A metric value as JSON number text: floats (NaN and infinities included), ints, bools, numpy scalars."""
    kind = type(value)
    if kind is float:
        v = cast(float, value)
    elif kind is int or kind is bool:
        v = float(cast(int, value))
    elif hasattr(value, "item") and getattr(value, "ndim", 0) == 0 and getattr(value, "size", 1) == 1:
        # numpy scalars and 0-d arrays (and torch 0-d tensors) without importing numpy
        return _number(cast(SupportsItem, value).item(), name)
    else:
        raise TypeError(f"gittrack: metric {name!r} must be a number (float, int, bool or a numpy scalar), "
                        f"got {kind.__name__}")
    if v != v:
        return "NaN"
    if v == math.inf:
        return "Infinity"
    if v == -math.inf:
        return "-Infinity"
    return repr(v)


def _param_value(value: Any, name: str) -> str:
    if hasattr(value, "item") and getattr(value, "ndim", 0) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if value is None or isinstance(value, (bool, int, float, str)):
        return json.dumps(value)
    raise TypeError(f"gittrack: param {name!r} must be a bool, int, float or str, got {type(value).__name__}")


def is_tracked() -> bool:
    """True when the script runs under ``gittrack run``."""
    return _writer is not None


def run_id() -> Optional[str]:
    """The id of the run being recorded, or None when not tracked."""
    return os.environ.get("GITTRACK_RUN_ID") or None


class _Params(Dict[str, Any]):
    """The run's params: a dict whose ``get(name, default)`` and ``setdefault(name, default)`` record a default the run
    lacks as the run's param, as MLflow's and W&B's config APIs do. gittrack keeps a value given with ``--param``, a
    params file or ``log_param`` over any default, and the first default read of a name (docs/protocol.md). Only a
    bool, int, float or str default is recorded; ``None``, lists and objects are returned but not recorded."""

    __slots__ = ()

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            if default is not None:
                _record_default(name, default)
            return default

    def setdefault(self, name: str, default: Any = None) -> Any:
        if name not in self and default is not None:
            _record_default(name, default)
        return super().setdefault(name, default)


def _record_default(name: object, value: Any) -> None:
    writer = _writer
    if writer is None or not isinstance(name, str) or not name:
        return
    try:
        text = _param_value(value, name)
    except TypeError:
        return
    writer.add('{"type":"param","name":%s,"value":%s,"default":true}\n' % (_json_name(name, "param"), text))


def params() -> Dict[str, Any]:
    """The run's params as a dict (dotted names for nested ones), or an empty one when not tracked.

    ``params().get("epochs", 30)`` returns 30 when the run has no ``epochs``, and records 30 as the run's param."""
    path = os.environ.get("GITTRACK_PARAMS")
    if not path:
        return _Params()
    with open(path, encoding="utf-8") as f:
        return _Params(json.load(f))


def _step(step: object, name: str) -> int:
    """A step as an int: ints, numpy integers, floats without a fraction (3.0); anything else is a TypeError,
    as the protocol refuses it (``%d`` would silently turn 3.7 into 3)."""
    kind = type(step)
    if kind is not bool:
        if kind is float:
            if cast(float, step).is_integer():
                return int(cast(float, step))
        elif hasattr(step, "__index__"):
            return cast(SupportsIndex, step).__index__()
        elif hasattr(step, "item") and getattr(step, "ndim", 0) == 0 and getattr(step, "size", 1) == 1:
            try:
                return _step(cast(SupportsItem, step).item(), name)
            except TypeError:
                pass
    raise TypeError(f"gittrack: metric {name!r}: step must be an integer, got {step!r} ({kind.__name__})")


def log_metric(name: str, value: Number, step: Optional[int] = None) -> None:
    """Logs one value of a metric; ``step`` (an int) places it on the x axis."""
    if step is not None and type(step) is not int:
        step = _step(step, name)
    writer = _writer
    if writer is None:
        _untracked()
        return
    text = _names.get(name) or _json_name(name, "metric")
    global _stamp_until, _stamp
    now = _time()
    if now >= _stamp_until:
        # Formatting a float costs more than the rest of the call: the timestamp text is kept for a millisecond.
        _stamp = "%.3f" % now
        _stamp_until = now + 0.001
    # The hot path: a finite Python float (v - v is 0.0 only for finite floats) is formatted by repr in the one
    # % operation; everything else (ints, NaN, numpy scalars...) goes through _number.
    if type(value) is float and value - value == 0.0:
        if step is None:
            line = _METRIC_LINE % (text, value, _stamp)
        else:
            line = _METRIC_STEP_LINE % (text, value, step, _stamp)
    else:
        number = _number(value, name)
        if step is None:
            line = _METRIC_LINE_TEXT % (text, number, _stamp)
        else:
            line = _METRIC_STEP_LINE_TEXT % (text, number, step, _stamp)
    lines = writer._lines  # pyright: ignore[reportPrivateUsage]  (the hot path skips a method call)
    lines.append(line)
    if len(lines) >= _FLUSH_LINES:
        writer.flush()


_time = time.time
_stamp_until = 0.0
_stamp = "0.000"
_METRIC_LINE = '{"type":"metric","name":%s,"value":%r,"timestamp":%s}\n'
_METRIC_STEP_LINE = '{"type":"metric","name":%s,"value":%r,"step":%d,"timestamp":%s}\n'
_METRIC_LINE_TEXT = '{"type":"metric","name":%s,"value":%s,"timestamp":%s}\n'
_METRIC_STEP_LINE_TEXT = '{"type":"metric","name":%s,"value":%s,"step":%d,"timestamp":%s}\n'


def log_metrics(metrics: Mapping[str, Number], step: Optional[int] = None) -> None:
    """Logs several metrics at once: ``log_metrics({"loss": 0.4, "acc": 0.9}, step=3)``."""
    for name, value in metrics.items():
        log_metric(name, value, step)


def log_param(name: str, value: ParamValue) -> None:
    """Records a param (a bool, int, float or str) discovered while running."""
    if _writer is None:
        _untracked()
        return
    _writer.add('{"type":"param","name":%s,"value":%s}\n' % (_json_name(name, "param"), _param_value(value, name)))


def log_params(values: Mapping[str, ParamValue]) -> None:
    """Records several params from a dict."""
    for name, value in values.items():
        log_param(name, value)


def set_tag(name: str, value: object) -> None:
    """Sets a tag (text) on the run."""
    if _writer is None:
        _untracked()
        return
    _writer.add('{"type":"tag","name":%s,"value":%s}\n' % (_json_name(name, "tag"), json.dumps(str(value))))


def log_artifact(path: "Union[str, os.PathLike[str]]") -> None:
    """Stores a file or folder in the run's artifacts when the run ends."""
    if _writer is None:
        _untracked()
        return
    if not os.path.exists(path):
        raise FileNotFoundError(f"gittrack: artifact not found: {path}")
    _writer.add('{"type":"artifact","path":%s}\n' % json.dumps(os.path.abspath(path)))


def log_input(path: "Union[str, os.PathLike[str]]", store: bool = False) -> None:
    """Records a file or folder the run reads (a dataset, a model to fine-tune) by its content key.

    gittrack hashes it when it reads the event; with ``store=True`` it also keeps a copy in the
    artifact cache. A run whose artifact has the same key is linked to this one (``gittrack lineage``).
    """
    if _writer is None:
        _untracked()
        return
    if not os.path.exists(path):
        raise FileNotFoundError(f"gittrack: input not found: {path}")
    event = '{"type":"input","path":%s' % json.dumps(os.path.abspath(path))
    _writer.add(event + (',"store":true}\n' if store else '}\n'))


def flush() -> None:
    """Writes buffered events now (done by itself every second and at exit)."""
    if _writer is not None:
        _writer.flush()
