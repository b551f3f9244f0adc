// An MLflow script that knows nothing of gittrack: it talks to MLFLOW_TRACKING_URI through the npm package `mlflow`
// (a Node client of MLflow's REST API) and through fetch for the artifact proxy, as MLflow's own clients do.
// Nested runs, batches, single calls, reads back. Prints one JSON line of what it saw, for the test to check.
const MLflow = require('mlflow');
const uri = process.env.MLFLOW_TRACKING_URI;
if (!uri) { console.error('MLFLOW_TRACKING_URI is not set'); process.exit(3); }
const { Runs, Metrics, Experiments } = new MLflow({ endpoint: uri });
const now = () => Date.now();
// The client logs each POST body; keep stdout for the summary line.
console.log = () => {};

async function upload(run, path, content) {
  const url = `${uri}/api/2.0/mlflow-artifacts/artifacts/${run.info.experiment_id}/${run.info.run_id}/artifacts/${path}`;
  const response = await fetch(url, { method: 'PUT', body: content, headers: { 'Content-Type': 'text/plain' } });
  if (response.status !== 200) throw new Error(`upload ${path}: ${response.status} ${await response.text()}`);
}

(async () => {
  const { experiment } = await Experiments.get({ experiment_id: '0' });
  const { run: parent } = await Runs.create({ experiment_id: '0', start_time: now(), tags: [{ key: 'mlflow.runName', value: 'sweep' }, { key: 'team', value: 'cv' }] });
  const parentId = parent.info.run_id;
  await Runs.logParameter({ run_id: parentId, key: 'family', value: 'cnn' });
  await Runs.logBatch({ run_id: parentId, params: [{ key: 'lr', value: '0.01' }, { key: 'epochs', value: '3' }],
    metrics: [0, 1, 2].map(step => ({ key: 'loss', value: 1 / (step + 1), timestamp: now(), step })), tags: [{ key: 'stage', value: 'search' }] });
  const children = [];
  for (const width of [32, 64]) {
    const { run: child } = await Runs.create({ experiment_id: '0', start_time: now(),
      tags: [{ key: 'mlflow.parentRunId', value: parentId }, { key: 'mlflow.runName', value: `width-${width}` }] });
    const id = child.info.run_id;
    await Runs.logBatch({ run_id: id, params: [{ key: 'width', value: String(width) }],
      metrics: [0, 1, 2, 3].map(step => ({ key: 'acc', value: width / 100 + step / 10, timestamp: String(now()), step: String(step) })) });
    await Runs.logMetric({ run_id: id, key: 'val/acc', value: width / 100, timestamp: now(), step: 3 });
    await Runs.setTag({ run_id: id, key: 'width_tag', value: String(width) });
    await upload(child, 'model/weights.txt', `weights of ${width}`);
    const history = await Metrics.getHistory({ run_id: id, metric_key: 'acc' });
    await Runs.update({ run_id: id, status: 'FINISHED', end_time: now() });
    children.push({ id, points: history.metrics.length });
  }
  await upload(parent, 'summary.txt', 'two widths tried');
  const { runs } = await Runs.search({ experiment_ids: ['0'], filter: `tags.mlflow.parentRunId = '${parentId}'`, order_by: ['params.width DESC'] });
  const { run: readBack } = await Runs.get({ run_id: parentId });
  let refused = null;
  try { await Runs.logParameter({ run_id: parentId, key: 'lr', value: '0.02' }); } catch (e) { refused = JSON.parse(e.message.replace(/^Error: /, '')).data; }
  await Runs.update({ run_id: parentId, status: 'FINISHED', end_time: now() });
  process.stdout.write(JSON.stringify({
    experiment: experiment.name, parent: parentId, children,
    searched: runs.map(r => r.data.params.find(p => p.key === 'width').value),
    params: readBack.data.params, loss: readBack.data.metrics.find(m => m.key === 'loss'), refused,
  }) + '\n');
})().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
