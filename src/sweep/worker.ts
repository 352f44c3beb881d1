/** Worker-thread entry of the sweep pool: piscina calls the default export with each run. */
import { runTask } from "./task.js";

export default runTask;
