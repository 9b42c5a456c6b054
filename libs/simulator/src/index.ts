// The rollout simulator: a pure, seeded generator of MUA-RL-shaped rollouts over the real
// tau2-bench tasks (data/tau2), for the demo, the benchmarks and load tests.
export { generate, planSimulation, taskPassProbability, type SimulationOptions, type SimulationPlan } from './simulation';
export { simulateRollout, SIMULATED_USER_MODEL, type RolloutPlacement } from './rollout.generator';
export { MAX_TURNS, scriptConversation, type ScriptedMessage, type SimTermination } from './conversation.script';
export { buildTaskCatalog, parseTau2TaskList, type SimTask, type TaskFile } from './task-catalog';
export { loadTau2Catalog, TAU2_DOMAINS } from './task-catalog.loader';
export { inferToolSchemas } from './tool-schemas';
export { SeededRandom } from './seeded-random';
