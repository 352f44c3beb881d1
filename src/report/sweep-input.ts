/**
 * A sweep's table as the report needs it, read tolerantly from sweep.json: a list of variants (at the top
 * level or under `variants`/`runs`/`rows`/`results`), each with an id, its parameters, and either a
 * summary with platforms or flat metrics. A variant × platform becomes one row.
 */
export interface SweepRow {
  /** Variant id, suffixed with `/platform` when the variant has several platforms. */
  id: string;
  variant: string;
  platform: string;
  params: Record<string, unknown>;
  monthlyCostUsd: number;
  p99Ms: number;
  /** Share of minutes meeting the SLO, when known. */
  attainment: number | undefined;
  /** Share of requests within the SLO latency, when known. */
  requestsWithinSlo: number | undefined;
  /** As the sweep decided it, when it says. */
  meetsSlo: boolean | undefined;
  error: string | undefined;
}

export interface SweepTable {
  /** The base scenario's name, when sweep.json gives it. */
  scenario: string | undefined;
  rows: SweepRow[];
  slo: { latencyMs: number; percentile: number } | undefined;
  /** Recommended variant id as the sweep named it, if it did. */
  recommended: string | undefined;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === "object" && !Array.isArray(v);

function num(...vs: unknown[]): number | undefined {
  for (const v of vs) if (typeof v === "number" && Number.isFinite(v)) return v;
  return undefined;
}

function get(o: unknown, path: string): unknown {
  let v = o;
  for (const k of path.split(".")) {
    if (!isObj(v)) return undefined;
    v = v[k];
  }
  return v;
}

export function parseSweep(raw: unknown): SweepTable {
  const list: unknown[] = Array.isArray(raw)
    ? raw
    : isObj(raw)
      ? ((["variants", "runs", "rows", "results"].map((k) => raw[k]).find(Array.isArray) as unknown[]) ?? [])
      : [];
  const rows: SweepRow[] = [];
  list.forEach((v, i) => {
    if (!isObj(v)) return;
    const variant = String(v.id ?? v.variant ?? v.name ?? `v${i + 1}`);
    const params = ([v.params, v.parameters, v.values, v.matrix].find(isObj) ?? {}) as Record<
      string,
      unknown
    >;
    const error =
      typeof v.error === "string"
        ? v.error
        : isObj(v.error)
          ? String(v.error.message ?? "failed")
          : undefined;
    const platforms = get(v, "summary.platforms") ?? v.platforms;
    if (isObj(platforms) && Object.keys(platforms).length > 0) {
      const names = Object.keys(platforms);
      for (const name of names) {
        const p = platforms[name];
        rows.push({
          id: names.length > 1 ? `${variant}/${name}` : variant,
          variant,
          platform: name,
          params,
          monthlyCostUsd: num(get(p, "cost.monthlyUsd"), get(p, "monthlyCostUsd")) ?? Number.NaN,
          p99Ms: num(get(p, "latencyMs.p99"), get(p, "p99Ms"), get(p, "p99LatencyMs")) ?? Number.NaN,
          attainment: num(get(p, "slo.attainment"), get(p, "sloAttainment")),
          requestsWithinSlo: num(get(p, "slo.requestsWithinLatency"), get(p, "requestsWithinSlo")),
          meetsSlo: typeof get(p, "meetsSlo") === "boolean" ? (get(p, "meetsSlo") as boolean) : undefined,
          error,
        });
      }
      return;
    }
    rows.push({
      id: variant,
      variant,
      platform: String(v.platform ?? ""),
      params,
      monthlyCostUsd: num(v.monthlyCostUsd, v.monthlyUsd, get(v, "cost.monthlyUsd")) ?? Number.NaN,
      p99Ms: num(v.p99Ms, v.p99LatencyMs, v.p99, get(v, "latencyMs.p99")) ?? Number.NaN,
      attainment: num(v.sloAttainment, v.attainment, get(v, "slo.attainment")),
      requestsWithinSlo: num(v.requestsWithinSlo, get(v, "slo.requestsWithinLatency")),
      meetsSlo: typeof v.meetsSlo === "boolean" ? v.meetsSlo : undefined,
      error,
    });
  });
  let slo: SweepTable["slo"];
  if (isObj(raw)) {
    const lat = num(get(raw, "slo.latencyMs"), get(raw, "slo.latency"));
    if (lat !== undefined) slo = { latencyMs: lat, percentile: num(get(raw, "slo.percentile")) ?? 99 };
  }
  const rec = isObj(raw) ? (raw.recommended ?? raw.cheapestMeetingSlo ?? raw.best) : undefined;
  const recommended =
    typeof rec === "string" ? rec : isObj(rec) ? String(rec.id ?? rec.variant ?? "") || undefined : undefined;
  const scenario = isObj(raw) && typeof raw.scenario === "string" ? raw.scenario : undefined;
  return { scenario, rows, slo, recommended };
}
