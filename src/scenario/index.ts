export { fromObject, loadScenario, parseScenario, type Scenario } from "./load.js";
export {
  scenarioJsonSchema,
  type FargatePlatform,
  type Platform,
  type ScenarioData,
  type ScenarioInput,
  type SloSpec,
  type TrafficSpec,
  type Workload,
} from "./schema.js";
