import { STARTUP_CV } from "../models/fargate/launcher.js";
import { ksLognormal, summarise } from "./fit.js";
import type { InstanceTiming, TaskTiming, Timings } from "./task-timings.js";

/**
 * Fit the start-up and stop timings scalesim assumes (src/assumptions.ts) to a service's own history.
 * Each assumption is the mean of a lognormal with cv STARTUP_CV (0.3) in the models; the fitted value is
 * the sample mean of the phase it names, and the goodness of fit is the Kolmogorov–Smirnov distance
 * between the sample and the model's lognormal at that mean.
 * Phases (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle.html):
 *   PROVISIONING createdAt → pullStartedAt, PENDING pullStartedAt → startedAt (RUNNING),
 *   STOPPING stoppingAt → stoppedAt.
 */
interface PhaseDef {
  id: string;
  what: string;
  /** The model draws the phase from a lognormal (cv STARTUP_CV) or uses the value as it is. */
  shape?: "fixed";
  task?: (t: TaskTiming) => number | undefined;
  instance?: (i: InstanceTiming) => number | undefined;
}

const span = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : b - a;

export const PHASES: readonly PhaseDef[] = [
  {
    id: "fargate.provisioningTime",
    what: "Fargate createdAt → pullStartedAt",
    task: (t) => (t.launchType === "FARGATE" ? span(t.createdAt, t.pullStartedAt) : undefined),
  },
  {
    id: "fargate.pendingTime",
    what: "Fargate pullStartedAt → startedAt",
    task: (t) => (t.launchType === "FARGATE" ? span(t.pullStartedAt, t.startedAt) : undefined),
  },
  {
    id: "ecsEc2.taskStartTime",
    what: "EC2 placement (pullStartedAt) → startedAt",
    task: (t) => (t.launchType === "EC2" ? span(t.pullStartedAt, t.startedAt) : undefined),
  },
  {
    id: "ecs.stopDuration",
    shape: "fixed",
    what: "stoppingAt → stoppedAt of tasks that ran",
    task: (t) => (t.startedAt === undefined ? undefined : span(t.stoppingAt, t.stoppedAt)),
  },
  {
    id: "ec2.pendingTime",
    what: "EC2 instance pending → running",
    instance: (i) => span(i.pendingAt, i.runningAt),
  },
  {
    id: "ec2.registrationTime",
    what: "EC2 instance running → container instance registeredAt",
    instance: (i) => span(i.runningAt, i.registeredAt),
  },
];

/** Fewer samples than this give no fit. */
export const MIN_SAMPLES = 5;

export interface StartupFit {
  id: string;
  what: string;
  /** Fitted mean, ms. */
  valueMs: number;
  n: number;
  /** The sample's own coefficient of variation. */
  cv: number;
  /** KS distance between the sample and the model's lognormal (mean valueMs, cv STARTUP_CV); null for a fixed value. */
  ks: number | null;
  /** 5 % critical KS distance for n samples (1.36 / √n). */
  ksCritical: number;
}

export interface StartupCalibration {
  fits: StartupFit[];
  /** Phases without enough samples, and why. */
  skipped: { id: string; n: number }[];
  tasks: number;
  instances: number;
}

/**
 * Samples of one phase. Durations of zero or less are left out: tasks that were already running when the
 * history began (`run --events` writes them with createdAt = startedAt) and stops of tasks that never ran.
 */
function samples(p: PhaseDef, timings: Timings): number[] {
  const raw = p.task ? timings.tasks.map(p.task) : timings.instances.map((i) => p.instance?.(i));
  return raw.filter((v): v is number => v !== undefined && v > 0);
}

export function calibrateStartup(timings: Timings): StartupCalibration {
  const fits: StartupFit[] = [];
  const skipped: StartupCalibration["skipped"] = [];
  for (const p of PHASES) {
    const xs = samples(p, timings);
    if (xs.length < MIN_SAMPLES) {
      if (xs.length > 0 || p.task) skipped.push({ id: p.id, n: xs.length });
      continue;
    }
    const s = summarise(xs);
    fits.push({
      id: p.id,
      what: p.what,
      valueMs: s.mean,
      n: s.n,
      cv: s.cv,
      ks: p.shape === "fixed" ? null : ksLognormal(xs, s.mean, STARTUP_CV),
      ksCritical: 1.36 / Math.sqrt(s.n),
    });
  }
  return { fits, skipped, tasks: timings.tasks.length, instances: timings.instances.length };
}

/** Seconds with one decimal, as a scenario's `assumptions:` takes a duration. */
export function formatSeconds(ms: number): string {
  return `${(Math.round(ms / 100) / 10).toFixed(1)}s`;
}

function fitComment(f: StartupFit): string {
  const head = `n=${f.n} (${f.what}); sample cv ${f.cv.toFixed(2)}`;
  if (f.ks === null) return `${head}; the model uses one fixed value`;
  const verdict = f.ks <= f.ksCritical ? "fits" : "does not fit";
  return `${head}; KS D ${f.ks.toFixed(3)} vs 5 % critical ${f.ksCritical.toFixed(3)}: the model's lognormal (cv ${STARTUP_CV}) ${verdict}`;
}

/** The `assumptions:` block to paste into a scenario, figures of fit as YAML comments. */
export function startupBlock(c: StartupCalibration, source: string): string {
  const lines = [
    `# scalesim calibrate: ${c.tasks} tasks, ${c.instances} instances from ${source}`,
    "assumptions:",
  ];
  for (const f of c.fits) lines.push(`  ${f.id}: ${formatSeconds(f.valueMs)}   # ${fitComment(f)}`);
  for (const s of c.skipped)
    lines.push(`  # ${s.id}: not fitted (${s.n} sample${s.n === 1 ? "" : "s"}; needs ${MIN_SAMPLES})`);
  if (c.fits.length === 0) lines.push("  {}");
  return `${lines.join("\n")}\n`;
}
