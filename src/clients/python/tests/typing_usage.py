"""Type-checked by pyright (``npm ci && npx pyright`` in this folder; CI runs it), never executed: the client's public
API as a training script uses it. The lines marked ``pyright: ignore`` must be type errors: the configuration reports an
ignore comment that hides no error, so a signature that stopped rejecting them fails the check."""

from pathlib import Path
from typing import Any, Dict, Optional

import gittrack


class Float32:
    """What a numpy scalar or a torch 0-d tensor looks like to a type checker."""

    def item(self) -> float:
        return 0.5


def train() -> None:
    p: Dict[str, Any] = gittrack.params()
    lr = float(p.get("lr", 0.01))
    run: Optional[str] = gittrack.run_id()
    tracked: bool = gittrack.is_tracked()
    for step in range(3):
        gittrack.log_metric("loss", lr / (step + 1), step=step)
        gittrack.log_metric("count", step)
        gittrack.log_metric("acc", Float32(), step=step)
    gittrack.log_metrics({"loss": 0.1, "acc": Float32(), "done": True}, step=3)
    gittrack.log_param("batch", 64)
    gittrack.log_params({"optimizer": "sgd", "momentum": 0.9, "seed": None})
    gittrack.set_tag("stage", "baseline")
    gittrack.log_artifact("model.pt")
    gittrack.log_artifact(Path("plots"))
    gittrack.flush()
    print(run, tracked)


def mistakes() -> None:
    gittrack.log_metric("loss", "0.5")  # pyright: ignore[reportArgumentType]
    gittrack.log_metric("loss", 0.5, step="3")  # pyright: ignore[reportArgumentType]
    gittrack.log_param("layers", [1, 2])  # pyright: ignore[reportArgumentType]
    gittrack.log_metrics([("loss", 0.5)])  # pyright: ignore[reportArgumentType]
    gittrack.log_artifact(3)  # pyright: ignore[reportArgumentType]
