"""A small classifier trained on a CSV dataset, standard library only (no scikit-learn needed).

Reads data/train.csv (columns x, y, label), fits a nearest-centroid classifier on 80% of the rows and logs its
accuracy on the rest. It tells gittrack which dataset it read, so a changed dataset shows in `gittrack diff` and
`gittrack rerun`.
"""
import csv
import random

import gittrack

DATA = "data/train.csv"
gittrack.log_input(DATA)  # its content key is recorded; store=True would also keep a copy

with open(DATA, newline="") as f:
    rows = [(float(r["x"]), float(r["y"]), r["label"]) for r in csv.DictReader(f)]
random.Random(gittrack.params().get("seed", 0)).shuffle(rows)
cut = int(len(rows) * 0.8)
train, test = rows[:cut], rows[cut:]

centroids = {}
for label in sorted({r[2] for r in train}):
    points = [r for r in train if r[2] == label]
    centroids[label] = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def predict(x, y):
    return min(centroids, key=lambda c: (centroids[c][0] - x) ** 2 + (centroids[c][1] - y) ** 2)


accuracy = sum(predict(x, y) == label for x, y, label in test) / len(test)
gittrack.log_metric("rows", len(rows))
gittrack.log_metric("accuracy", accuracy)
print(f"{len(rows)} rows, accuracy {accuracy:.3f}")
