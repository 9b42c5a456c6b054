/** Injection tokens of the GRPO assembler module. */
export const GRPO_DB = Symbol('GRPO_DB');
export const GRPO_SETTINGS = Symbol('GRPO_SETTINGS');
