// The JSON API served by `gittrack ui` (src/GitTrack.Web/Api/RunsApi.cs).

export type Scalar = number | string | boolean;

/** One run as listed: `gittrack ls --json` and `GET /api/runs` (src/GitTrack.Core/Runs/RunJson.cs, docs/ui.md). */
export interface RunSummary {
  id: string;
  name: string;
  status: string;
  exit_code: number | null;
  started_at: string;
  ended_at: string | null;
  duration_s: number | null;
  source: { commit: string | null; branch: string | null };
  parent: string | null;
  note: string | null;
  removed_at?: string;
  params: Record<string, Scalar>;
  /** Each param's type: JSON numbers cannot tell a float 1.0 from an integer 1 once parsed. */
  param_types: Record<string, "integer" | "float" | "boolean" | "string">;
  metrics: Record<string, number | string>;
  tags: Record<string, string>;
}

export interface Artifact {
  path: string;
  blake3: string;
  size: number;
}

export interface Gpu {
  name: string;
  memory_mib: number;
  driver: string | null;
  uuid: string | null;
}

export interface MetricHistory {
  count: number;
  min: number | string;
  max: number | string;
  last: number | string;
}

/** Everything about one run: `gittrack show --json` and `GET /api/runs/RUN` (the same object). */
export interface RunRecord extends Omit<RunSummary, "removed_at"> {
  schema: number;
  error: string | null;
  command: string[];
  working_directory: string;
  reproduces: string | null;
  children: string[];
  removed_at: string | null;
  source: { commit: string; branch: string | null; remote: string | null; dirty: boolean; tree: string; skipped: string[] };
  process: { pid: number; host: string; boot_id: string | null } | null;
  host: {
    hostname: string | null; os: string | null; kernel: string | null; arch: string | null;
    cpu: string | null; cores: number; memory_bytes: number; gpus: Gpu[];
  } | null;
  runtimes: Record<string, string>;
  env: Record<string, string>;
  /** Keyed by metric name. */
  history: Record<string, MetricHistory>;
  artifacts: Artifact[];
  log: Artifact | null;
  /** The packages' summary (the manifest's [environment]); the list itself is GET /api/runs/RUN/packages. */
  environment: { packages: string | null; count: number; sources: string[]; lock_files: string[] } | null;
  inputs: Input[];
}

/** Data a run read (`--input`, `input` events): by path, with its content key. */
export interface Input {
  path: string;
  blake3: string;
  size: number;
  kind: "file" | "folder";
  files?: number;
  stored: boolean;
}

export interface Package {
  manager: string;
  name: string;
  version: string;
}

/** GET /api/runs/RUN/packages (src/GitTrack.Web/Api/LineageApi.cs). */
export interface PackagesData {
  id: string;
  key: string | null;
  count: number;
  missing: boolean;
  python: string | null;
  cuda: string | null;
  cudnn: string | null;
  sources: string[];
  lock_files: string[];
  packages: Package[];
}

export interface PackageChangeData {
  manager: string;
  name: string;
  old: string | null;
  new: string | null;
}

/** GET /api/packages/diff?a=&b=. */
export interface PackagesDiff {
  a: string;
  b: string;
  same_environment: boolean;
  recorded: boolean;
  changes: PackageChangeData[];
}

export interface LineageNode {
  id: string;
  kind: "run" | "data";
  label: string;
  column: number;
  run?: string;
  status?: string;
  blake3?: string;
  folder?: boolean;
  size?: number;
}

/** GET /api/runs/RUN/lineage: runs and data (by content key) in columns, 0 the run itself, and the links. */
export interface LineageGraph {
  root: string;
  cut: boolean;
  nodes: LineageNode[];
  edges: { from: string; to: string; label: string }[];
}

/** A page of `GET /api/runs` (Core's RunListing, as `gittrack ls` lists): the runs, how many matched, how many in all. */
export interface RunsPage {
  tip: string | null;
  total: number;
  matched: number;
  offset: number;
  runs: RunSummary[];
  columns: { params: string[]; metrics: string[]; tags: string[]; varying_params: string[]; varying_metrics: string[] };
  skipped: { path: string; reason: string }[];
}

/** One field of a comparison (Core's RunComparison, the rows of `gittrack compare --json`). */
export interface CompareRow {
  field: string;
  group: "run" | "params" | "metrics" | "tags" | "system";
  key: string | null;
  /** Decided by the server (Core's FieldDifference): typed values, a missing value differs from a present one. */
  differs: boolean;
  values: (Scalar | null)[];
}

export interface Series {
  name: string;
  count: number;
  x: number[];
  y: (number | null)[];
}

export interface CompareData {
  x: string;
  runs: { run: RunSummary; tree: string; commit: string; series: Series[] }[];
  rows: CompareRow[];
}

export interface DiffData {
  a: string;
  b: string;
  stat: string;
  patch: string;
  truncated: boolean;
}

export interface Session {
  edits: boolean;
  token: string | null;
  repository: string;
}

async function get<T>(url: string): Promise<T> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(await errorText(response));
  return (await response.json()) as T;
}

async function errorText(response: Response): Promise<string> {
  try {
    const body = await response.json();
    return body.hint ? `${body.error} (${body.hint})` : body.error;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

const q = encodeURIComponent;

export const api = {
  version: () => get<{ tip: string | null }>("/api/version"),
  session: () => get<Session>("/api/session"),
  /** Every matching run, or a page of them (sort as `ls --sort`; offset and limit). */
  runs: (filter: string, page?: { sort?: string; offset?: number; limit?: number }) =>
    get<RunsPage>(`/api/runs?filter=${q(filter)}${page?.sort ? `&sort=${q(page.sort)}` : ""}`
      + `${page?.offset ? `&offset=${page.offset}` : ""}${page?.limit !== undefined ? `&limit=${page.limit}` : ""}`),
  run: (id: string) => get<RunRecord>(`/api/runs/${q(id)}`),
  metrics: (id: string, x: string) => get<{ series: Series[] }>(`/api/runs/${q(id)}/metrics?x=${q(x)}`),
  compare: (ids: string[], x: string, points?: number) =>
    get<CompareData>(`/api/compare?ids=${ids.map(q).join(",")}&x=${q(x)}${points ? `&points=${points}` : ""}`),
  diff: (a: string, b: string) => get<DiffData>(`/api/diff?a=${q(a)}&b=${q(b)}`),
  packages: (id: string) => get<PackagesData>(`/api/runs/${q(id)}/packages`),
  packagesDiff: (a: string, b: string) => get<PackagesDiff>(`/api/packages/diff?a=${q(a)}&b=${q(b)}`),
  lineage: (id: string) => get<LineageGraph>(`/api/runs/${q(id)}/lineage`),
  async log(id: string): Promise<string> {
    const response = await fetch(`/api/runs/${q(id)}/log`, { cache: "no-store" });
    if (!response.ok) throw new Error(await errorText(response));
    return await response.text();
  },
  artifactUrl: (artifact: Artifact) => `/api/artifacts/${artifact.blake3}?name=${q(artifact.path.split("/").pop() ?? artifact.blake3)}`,
  edit: (id: string, token: string, body: unknown) => post(`/api/runs/${q(id)}/edit`, token, body),
  rename: (id: string, token: string, name: string) => post(`/api/runs/${q(id)}/rename`, token, { name }),
  hide: (id: string, token: string) => post(`/api/runs/${q(id)}/delete`, token, {}),
  restore: (id: string, token: string) => post(`/api/runs/${q(id)}/restore`, token, {}),
};

/** A state-changing request: always carries the per-process token; an error answer becomes its message. */
async function post(path: string, token: string, body: unknown): Promise<void> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-GitTrack-Token": token },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(await errorText(response));
}
