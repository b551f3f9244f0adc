"""The requests MLflow's Python client (2.x) sends for a typical training script, replayed with the standard library.

PyPI is not reachable where these tests run, so the `mlflow` package cannot be installed; this replays, request by
request, what its RestStore (mlflow/store/tracking/rest_store.py) and fluent API (mlflow/tracking/fluent.py) send
for the script below, and reads each answer the way the client's protobuf parsing does. Reconstructed from those
sources, not recorded from a live client.

    mlflow.set_experiment("vision")
    with mlflow.start_run(run_name="train"):
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"epochs": 3, "opt": "adam"})
        for step in range(3):
            mlflow.log_metric("loss", 1 / (step + 1), step=step)
        mlflow.log_metrics({"acc": 0.9, "f1": 0.8}, step=2)
        mlflow.set_tags({"stage": "dev"})
        with mlflow.start_run(run_name="fold-1", nested=True):
            mlflow.log_metric("acc", float("nan"))
            mlflow.log_artifact("model.txt", artifact_path="model")
        mlflow.log_text("hello", "notes/readme.txt")
        run = mlflow.get_run(mlflow.active_run().info.run_id)
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = os.environ["MLFLOW_TRACKING_URI"].rstrip("/")


def call(method, endpoint, body=None, query=None, data=None, content_type=None):
    url = BASE + endpoint + ("?" + urllib.parse.urlencode(query) if query else "")
    headers = {"User-Agent": "mlflow-python-client/2.x"}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    elif content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def ok(status, answer):
    assert status == 200, (status, answer)
    return answer


def api(method, name, body=None, query=None):
    return call(method, "/api/2.0/mlflow/" + name, body=body, query=query)


def ms():
    return int(time.time() * 1000)


# set_experiment: get-by-name (None on RESOURCE_DOES_NOT_EXIST), create, get (must be active)
status, answer = api("GET", "experiments/get-by-name", query={"experiment_name": "vision"})
assert status == 404 and answer["error_code"] == "RESOURCE_DOES_NOT_EXIST", (status, answer)
experiment_id = ok(*api("POST", "experiments/create", {"name": "vision"}))["experiment_id"]
assert isinstance(experiment_id, str)
experiment = ok(*api("GET", "experiments/get", query={"experiment_id": experiment_id}))["experiment"]
assert experiment["lifecycle_stage"] == "active" and experiment["name"] == "vision"

context_tags = [{"key": "mlflow.user", "value": "someone"}, {"key": "mlflow.source.name", "value": "train.py"},
                {"key": "mlflow.source.type", "value": "LOCAL"}]
run = ok(*api("POST", "runs/create", {"experiment_id": experiment_id, "user_id": "someone", "start_time": ms(),
                                       "tags": [{"key": "mlflow.runName", "value": "train"}] + context_tags, "run_name": "train"}))["run"]
run_id = run["info"]["run_id"]
assert run["info"]["status"] == "RUNNING" and run["info"]["artifact_uri"].startswith("mlflow-artifacts:/")
ok(*api("POST", "runs/log-parameter", {"run_uuid": run_id, "run_id": run_id, "key": "lr", "value": "0.01"}))
ok(*api("POST", "runs/log-batch", {"run_id": run_id, "params": [{"key": "epochs", "value": "3"}, {"key": "opt", "value": "adam"}]}))
for step in range(3):
    ok(*api("POST", "runs/log-metric", {"run_uuid": run_id, "run_id": run_id, "key": "loss", "value": 1 / (step + 1), "timestamp": ms(), "step": step}))
ok(*api("POST", "runs/log-batch", {"run_id": run_id, "metrics": [{"key": "acc", "value": 0.9, "timestamp": ms(), "step": 2},
                                                                  {"key": "f1", "value": 0.8, "timestamp": ms(), "step": 2}]}))
ok(*api("POST", "runs/log-batch", {"run_id": run_id, "tags": [{"key": "stage", "value": "dev"}]}))

child = ok(*api("POST", "runs/create", {"experiment_id": experiment_id, "user_id": "someone", "start_time": ms(),
                                         "tags": [{"key": "mlflow.runName", "value": "fold-1"}, {"key": "mlflow.parentRunId", "value": run_id}] + context_tags,
                                         "run_name": "fold-1"}))["run"]
child_id = child["info"]["run_id"]
assert child_id != run_id
ok(*api("POST", "runs/log-metric", {"run_uuid": child_id, "run_id": child_id, "key": "acc", "value": "NaN", "timestamp": ms(), "step": 0}))
# log_artifact: the artifact repository comes from the run's artifact_uri (mlflow-artifacts:/...), resolved on the tracking URI.
uri = ok(*api("GET", "runs/get", query={"run_uuid": child_id, "run_id": child_id}))["run"]["info"]["artifact_uri"]
path = urllib.parse.urlparse(uri).path
ok(*call("PUT", "/api/2.0/mlflow-artifacts/artifacts" + path + "/model/model.txt", data=b"weights", content_type="text/plain"))
listed = ok(*call("GET", "/api/2.0/mlflow-artifacts/artifacts", query={"path": path.lstrip("/") + "/model"}))["files"]
assert listed == [{"path": "model.txt", "is_dir": False, "file_size": 7}], listed
ok(*api("POST", "runs/update", {"run_uuid": child_id, "run_id": child_id, "status": "FINISHED", "end_time": ms()}))

uri = ok(*api("GET", "runs/get", query={"run_uuid": run_id, "run_id": run_id}))["run"]["info"]["artifact_uri"]
ok(*call("PUT", "/api/2.0/mlflow-artifacts/artifacts" + urllib.parse.urlparse(uri).path + "/notes/readme.txt", data=b"hello", content_type="text/plain"))
got = ok(*api("GET", "runs/get", query={"run_uuid": run_id, "run_id": run_id}))["run"]
params = {p["key"]: p["value"] for p in got["data"]["params"]}
assert params == {"lr": "0.01", "epochs": "3", "opt": "adam"}, params
metrics = {m["key"]: (m["value"], m["step"]) for m in got["data"]["metrics"]}
assert metrics["loss"] == (1 / 3, 2) and metrics["acc"] == (0.9, 2), metrics
history = ok(*api("GET", "metrics/get-history", query={"run_uuid": run_id, "run_id": run_id, "metric_key": "loss"}))["metrics"]
assert [h["step"] for h in history] == [0, 1, 2]
found = ok(*api("POST", "runs/search", {"experiment_ids": [experiment_id], "filter": f"tags.mlflow.parentRunId = '{run_id}'",
                                         "run_view_type": "ACTIVE_ONLY", "max_results": 1000}))["runs"]
assert [r["info"]["run_id"] for r in found] == [child_id], found
assert {m["key"]: m["value"] for m in found[0]["data"]["metrics"]} == {"acc": "NaN"}
ok(*api("POST", "runs/update", {"run_uuid": run_id, "run_id": run_id, "status": "FINISHED", "end_time": ms()}))
print(json.dumps({"run": run_id, "child": child_id, "experiment": experiment_id}))
