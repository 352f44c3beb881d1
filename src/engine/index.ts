export { EventHeap } from "./event-heap.js";
export { EventQueue } from "./queue.js";
export { hashName, Rng, stream, type Uniform } from "./rng.js";
export { type Continuous, type Handler, Phase, Simulation } from "./sim.js";
export { DAY, HOUR, MINUTE, SECOND, secondsToMs, type TimeMs } from "./time.js";
