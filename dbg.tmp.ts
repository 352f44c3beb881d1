import { loadSweepPlan } from "./src/sweep/plan.js";
const plan = loadSweepPlan("scenarios/sweep-targets.yaml") as any;
console.log(JSON.stringify(plan.variants[plan.runs[0].variant]));
const s = plan.scenarios[plan.runs[0].variant];
console.log(JSON.stringify(s.platforms.fargate.task), JSON.stringify(s.platforms.fargate.scalingPolicies[0].TargetTrackingScalingPolicyConfiguration), JSON.stringify(s.traffic));
