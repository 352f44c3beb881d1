import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../errors.js";
import { checkOutFile, writeFileAtomic } from "../destinations.js";

interface ImportOptions {
  policies?: string;
  scheduledActions?: string;
  alarms?: string;
  resourceId?: string;
  terraform?: string;
  cloudformation?: string;
  service?: string;
  region?: string;
  parameter: string[];
  name?: string;
  out?: string;
}

export function registerImport(program: Command): void {
  program
    .command("import")
    .description(
      "write a runnable scenario from Terraform (terraform show -json) or a CloudFormation template, or convert AWS CLI exports (describe-scaling-policies, describe-scheduled-actions, describe-alarms) into a platform's scalingPolicies and scheduledActions",
    )
    .option("--terraform <file>", "JSON of: terraform show -json (a plan file or the state)")
    .option("--cloudformation <file>", "a CloudFormation template (YAML with short-form tags, or JSON)")
    .option("--service <name>", "import only this ECS service (name or address / logical id)")
    .option("--region <region>", "the region (CloudFormation templates do not name one)")
    .option(
      "--parameter <key=value>",
      "a CloudFormation parameter's value (repeatable); parameters default to their Default",
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .option("--name <name>", "the scenario's name")
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
    .action(async (opts: ImportOptions) => {
      // The destination is checked before anything is read, so a bad path fails at once.
      if (opts.out) checkOutFile(opts.out, "--out");
      const yaml =
        opts.terraform || opts.cloudformation
          ? await importInfrastructure(opts)
          : await importAwsCliExports(opts);
      if (opts.out) writeFileAtomic(opts.out, yaml, "--out");
      else process.stdout.write(yaml);
    });
}

/** A whole scenario from Terraform or CloudFormation (src/scenario/import/). */
async function importInfrastructure(opts: ImportOptions): Promise<string> {
  if (opts.terraform && opts.cloudformation)
    throw new InputError("give --terraform or --cloudformation, not both");
  const { importCloudFormation } = await import("../../scenario/import/cloudformation.js");
  const { importTerraform } = await import("../../scenario/import/terraform.js");
  const { writeImportedScenario } = await import("../../scenario/import/write-scenario.js");
  const { decodeText } = await import("../../input-text.js");
  const file = (opts.terraform ?? opts.cloudformation)!;
  const text = readText(file, decodeText);
  const parameters: Record<string, string> = {};
  for (const p of opts.parameter) {
    const i = p.indexOf("=");
    if (i <= 0) throw new InputError(`--parameter takes KEY=VALUE; got "${p}"`);
    parameters[p.slice(0, i)] = p.slice(i + 1);
  }
  const result = opts.terraform
    ? importTerraform(text, file, opts.service)
    : importCloudFormation(text, file, { service: opts.service, region: opts.region, parameters });
  if (opts.region && opts.terraform)
    result.region = { value: opts.region, from: { label: "--region", file } };
  const command = ["scalesim import", opts.terraform ? `--terraform ${file}` : `--cloudformation ${file}`];
  if (opts.service) command.push(`--service ${opts.service}`);
  if (opts.region) command.push(`--region ${opts.region}`);
  return writeImportedScenario(result, { name: opts.name, command: command.join(" ") });
}

function readText(file: string, decodeText: (b: Buffer, file: string) => string): string {
  try {
    return decodeText(readFileSync(file), file);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "file not found" : `cannot read file (${code})`, { file });
  }
}

/** scalingPolicies and scheduledActions from AWS CLI exports, to paste under a platform. */
async function importAwsCliExports(opts: ImportOptions): Promise<string> {
  if (!opts.policies && !opts.scheduledActions)
    throw new InputError(
      "give --terraform, --cloudformation, or AWS CLI exports (--policies and/or --scheduled-actions)",
    );
  const { importAwsScaling } = await import("../../scenario/aws-import.js");
  const { readAwsJson: readJson } = await import("../../scenario/aws-json.js");
  const { stringify } = await import("yaml");
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
  return header + stringify(body, { lineWidth: 0 });
}
