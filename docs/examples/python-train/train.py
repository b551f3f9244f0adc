"""Trains a small neural network from scratch (standard library only) on docs/examples/data/moons.csv.

Hyperparameters come from the run, metrics are logged per epoch and the model is saved as an artifact:

    gittrack run --param lr=0.5 --param hidden=16 -- python docs/examples/python-train/train.py
"""

import csv
import json
import math
import os
import random
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "src", "clients", "python"))
import gittrack  # noqa: E402  (the one-file client; `pip install` it, or keep it beside your script)

p = gittrack.params()
lr = float(p.get("lr", 0.1))
hidden = int(p.get("hidden", 8))
epochs = int(p.get("epochs", 30))
batch = int(p.get("batch", 32))
seed = int(p.get("seed", 1))
data_path = p.get("data", os.path.join(here, "..", "data", "moons.csv"))
model_out = p.get("model_out", "model.json")

with open(data_path, newline="") as f:
    rows = [(float(r["x1"]), float(r["x2"]), int(r["label"])) for r in csv.DictReader(f)]
n_train = len(rows) * 4 // 5
train, val = rows[:n_train], rows[n_train:]

rng = random.Random(seed)
w1 = [[rng.uniform(-1, 1) * math.sqrt(3 / 2) for _ in range(hidden)] for _ in range(2)]
b1 = [0.0] * hidden
w2 = [[rng.uniform(-1, 1) * math.sqrt(3 / hidden) for _ in range(2)] for _ in range(hidden)]
b2 = [0.0, 0.0]


def forward(x):
    h = [math.tanh(b1[j] + x[0] * w1[0][j] + x[1] * w1[1][j]) for j in range(hidden)]
    z = [b2[k] + sum(h[j] * w2[j][k] for j in range(hidden)) for k in range(2)]
    m = max(z)
    e = [math.exp(v - m) for v in z]
    s = sum(e)
    return h, [v / s for v in e]


def evaluate(data):
    loss, correct = 0.0, 0
    for x1, x2, y in data:
        _, prob = forward((x1, x2))
        loss -= math.log(max(prob[y], 1e-12))
        correct += (1 if prob[1] > prob[0] else 0) == y
    return loss / len(data), correct / len(data)


print(f"training on {len(train)} rows, validating on {len(val)}: lr={lr} hidden={hidden} epochs={epochs}")
for epoch in range(1, epochs + 1):
    rng.shuffle(train)
    total = 0.0
    for start in range(0, len(train), batch):
        chunk = train[start:start + batch]
        gw1 = [[0.0] * hidden for _ in range(2)]
        gb1 = [0.0] * hidden
        gw2 = [[0.0, 0.0] for _ in range(hidden)]
        gb2 = [0.0, 0.0]
        for x1, x2, y in chunk:
            h, prob = forward((x1, x2))
            total -= math.log(max(prob[y], 1e-12))
            dz = [prob[0] - (y == 0), prob[1] - (y == 1)]
            for j in range(hidden):
                dh = w2[j][0] * dz[0] + w2[j][1] * dz[1]
                for k in range(2):
                    gw2[j][k] += h[j] * dz[k]
                d = dh * (1 - h[j] * h[j])
                gb1[j] += d
                gw1[0][j] += x1 * d
                gw1[1][j] += x2 * d
            gb2[0] += dz[0]
            gb2[1] += dz[1]
        step = lr / len(chunk)
        for j in range(hidden):
            w1[0][j] -= step * gw1[0][j]
            w1[1][j] -= step * gw1[1][j]
            b1[j] -= step * gb1[j]
            for k in range(2):
                w2[j][k] -= step * gw2[j][k]
        b2[0] -= step * gb2[0]
        b2[1] -= step * gb2[1]
    val_loss, val_acc = evaluate(val)
    _, train_acc = evaluate(train)
    gittrack.log_metrics({"train_loss": total / len(train), "train_accuracy": train_acc,
                          "val_loss": val_loss, "val_accuracy": val_acc}, step=epoch)
    if epoch % 5 == 0 or epoch == epochs:
        print(f"epoch {epoch:3d}  loss {total / len(train):.4f}  val_loss {val_loss:.4f}  val_acc {val_acc:.3f}")

with open(model_out, "w") as f:
    json.dump({"w1": w1, "b1": b1, "w2": w2, "b2": b2}, f)
gittrack.log_artifact(model_out)
print(f"saved {model_out}")
