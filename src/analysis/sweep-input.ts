/**
 * A sweep's table as the report needs it, read from sweep.json. `scalesim sweep` writes
 * `{format: "scalesim-sweep-table/1", rows: [one per variant × platform], groups: [ranking per groupBy
 * value]}` (src/sweep/table.ts); other shapes are read tolerantly too: a list of variants (at the top level
 * or under `variants`/`runs`/`rows`/`results`), each with an id, its parameters, and either a summary with
 * platforms or flat metrics. A variant × platform becomes one row.
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

export interface SweepGroup {
  /** The groupBy values, e.g. `traffic.multiplier=0.075`. */
  label: string;
  /** The sweep's cheapest row meeting the SLO in this group, or null. */
  recommended: string | null;
  candidates: number;
}

export interface SweepTable {
  /** The sweep's own ranking groups (groupBy), when it ranked more than one. */
  groups: SweepGroup[];
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
    const status = typeof v.status === "string" ? v.status : "ok";
    // `scalesim sweep` writes error "" for a row that ran; a failed or missing row says so in `status`.
    const error =
      typeof v.error === "string" && v.error !== ""
        ? v.error
        : isObj(v.error)
          ? String(v.error.message ?? "failed")
          : status !== "ok"
            ? status
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
    const platform = typeof v.platform === "string" ? v.platform : "";
    rows.push({
      // `v012/fargate`, as the sweep's ranking refers to rows.
      id: platform ? `${variant}/${platform}` : variant,
      variant,
      platform,
      params,
      monthlyCostUsd: num(v.monthlyCostUsd, v.monthlyUsd, get(v, "cost.monthlyUsd")) ?? Number.NaN,
      p99Ms: num(v.p99Ms, v.p99LatencyMs, v.p99, get(v, "latencyMs.p99")) ?? Number.NaN,
      attainment: num(v.sloAttainment, v.attainment, get(v, "slo.attainment")),
      requestsWithinSlo: num(
        v.requestsWithinSlo,
        v.requestsWithinLatency,
        get(v, "slo.requestsWithinLatency"),
      ),
      meetsSlo: typeof v.meetsSlo === "boolean" ? v.meetsSlo : undefined,
      error,
    });
  });
  let slo: SweepTable["slo"];
  const first = list.find(isObj);
  const lat = isObj(raw) ? num(get(raw, "slo.latencyMs"), get(raw, "slo.latency")) : undefined;
  if (lat !== undefined) slo = { latencyMs: lat, percentile: num(get(raw, "slo.percentile")) ?? 99 };
  else if (first && num(first.sloLatencyMs) !== undefined) {
    slo = { latencyMs: num(first.sloLatencyMs) as number, percentile: num(first.sloPercentile) ?? 99 };
  }
  const rawGroups = isObj(raw) && Array.isArray(raw.groups) ? raw.groups.filter(isObj) : [];
  const groups: SweepGroup[] = rawGroups.map((g) => ({
    label: Object.entries(isObj(g.params) ? g.params : {})
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(", "),
    recommended: typeof g.cheapestMeetingSlo === "string" ? g.cheapestMeetingSlo : null,
    candidates: num(g.candidates) ?? 0,
  }));
  const rec = isObj(raw)
    ? (raw.recommended ??
      raw.cheapestMeetingSlo ??
      raw.best ??
      (groups.length === 1 ? (groups[0].recommended ?? undefined) : undefined))
    : undefined;
  const recommended =
    typeof rec === "string" ? rec : isObj(rec) ? String(rec.id ?? rec.variant ?? "") || undefined : undefined;
  const scenario = isObj(raw) && typeof raw.scenario === "string" ? raw.scenario : undefined;
  return { scenario, rows, slo, recommended, groups: groups.length > 1 ? groups : [] };
}
