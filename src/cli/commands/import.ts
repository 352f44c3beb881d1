import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../errors.js";

export function registerImport(program: Command): void {
  program
    .command("import")
    .description(
      "convert AWS CLI exports (describe-scaling-policies, describe-scheduled-actions, describe-alarms) into a platform's scalingPolicies and scheduledActions",
    )
    .option(
      "--policies <file>",
      "JSON of: aws application-autoscaling describe-scaling-policies --service-namespace ecs",
    )
    .option(
      "--scheduled-actions <file>",
      "JSON of: aws application-autoscaling describe-scheduled-actions --service-namespace ecs",
    )
    .option("--alarms <file>", "JSON of: aws cloudwatch describe-alarms (the alarms of step policies)")
    .option("--resource-id <id>", "service/<cluster>/<service> when the exports hold several services")
    .option("-o, --out <file>", "write the YAML here instead of stdout")
    .action(
      async (opts: {
        policies?: string;
        scheduledActions?: string;
        alarms?: string;
        resourceId?: string;
        out?: string;
      }) => {
        if (!opts.policies && !opts.scheduledActions)
          throw new InputError("give --policies and/or --scheduled-actions");
        const { stringify } = await import("yaml");
        const { importAwsScaling } = await import("../../scenario/aws-import.js");
        const { readAwsJson: readJson } = await import("../../scenario/aws-json.js");
        const r = importAwsScaling({
          policies: opts.policies ? readJson(opts.policies) : undefined,
          scheduledActions: opts.scheduledActions ? readJson(opts.scheduledActions) : undefined,
          alarms: opts.alarms ? readJson(opts.alarms) : undefined,
          resourceId: opts.resourceId,
        });
        const body: Record<string, unknown> = {};
        if (opts.policies) body.scalingPolicies = r.scalingPolicies;
        if (opts.scheduledActions) body.scheduledActions = r.scheduledActions;
        const header = `# Imported by scalesim import${r.resourceId ? ` from ${r.resourceId}` : ""}; paste under a platform of a scenario.\n`;
        const yaml = header + stringify(body, { lineWidth: 0 });
        if (opts.out) writeFileSync(opts.out, yaml);
        else process.stdout.write(yaml);
      },
    );
}
