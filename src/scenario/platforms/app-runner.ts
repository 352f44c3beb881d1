import * as z from "zod";
import { appRunnerSizeProblem } from "../../data/app-runner.js";

/** "1 vCPU", "0.25 vCPU", 1024 or "1024" → CPU units (InstanceConfiguration.Cpu). */
const Cpu = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(vCPU)?\s*$/i.exec(String(v));
  if (!m) {
    ctx.addIssue({
      code: "custom",
      message: `Cpu is "0.25 vCPU" … "4 vCPU" or CPU units 256 … 4096, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
});
/** "2 GB", 2048 or "2048" → MiB (InstanceConfiguration.Memory). */
const Memory = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(GB)?\s*$/i.exec(String(v));
  if (!m) {
    ctx.addIssue({
      code: "custom",
      message: `Memory is "0.5 GB" … "12 GB" or MB 512 … 12288, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return m[2] ? Math.round(Number(m[1]) * 1024) : Number(m[1]);
});

/**
 * An App Runner service, in the API's field names.
 * https://docs.aws.amazon.com/apprunner/latest/api/API_InstanceConfiguration.html (defaults 1 vCPU, 2 GB)
 * https://docs.aws.amazon.com/apprunner/latest/api/API_CreateAutoScalingConfiguration.html
 * (MaxConcurrency default 100, 1–200; MinSize default 1, 1–25; MaxSize default 25, ≥ 1)
 */
export const AppRunnerPlatform = z
  .strictObject({
    kind: z.literal("app-runner"),
    InstanceConfiguration: z
      .strictObject({ Cpu: Cpu.default(1024), Memory: Memory.default(2048) })
      .default({ Cpu: 1024, Memory: 2048 }),
    AutoScalingConfiguration: z
      .strictObject({
        MaxConcurrency: z.number().int().min(1).max(200).default(100),
        MinSize: z.number().int().min(1).max(25).default(1),
        MaxSize: z.number().int().min(1).default(25),
      })
      .default({ MaxConcurrency: 100, MinSize: 1, MaxSize: 25 }),
    pricing: z
      .strictObject({
        activeVcpuHour: z.number().min(0),
        activeGbHour: z.number().min(0),
        provisionedGbHour: z.number().min(0),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    const problem = appRunnerSizeProblem(p.InstanceConfiguration.Cpu, p.InstanceConfiguration.Memory);
    if (problem)
      ctx.addIssue({ code: "custom", path: ["InstanceConfiguration", "Memory"], message: problem });
    const a = p.AutoScalingConfiguration;
    if (a.MinSize > a.MaxSize)
      ctx.addIssue({
        code: "custom",
        path: ["AutoScalingConfiguration", "MinSize"],
        message: `MinSize ${a.MinSize} exceeds MaxSize ${a.MaxSize}`,
      });
  });
export type AppRunnerPlatform = z.output<typeof AppRunnerPlatform>;
