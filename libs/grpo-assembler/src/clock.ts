/** Epoch milliseconds. Injected so timeouts and leases can be driven by tests and benchmarks. */
export type Clock = () => number;

export const CLOCK = Symbol('GRPO_CLOCK');

export const systemClock: Clock = () => Date.now();
