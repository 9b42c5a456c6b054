import type { Tau2Task } from '@rollout-ledger/importers';

type JsonSchema = Record<string, unknown>;

const DESCRIPTIONS: Readonly<Record<string, string>> = {
  find_user_id_by_email: 'Find a user id by email address.',
  find_user_id_by_name_zip: 'Find a user id by first name, last name and zip code.',
  get_user_details: 'Get the details of a user: profile, addresses, payment methods, orders or reservations.',
  get_order_details: 'Get the status and details of an order.',
  get_product_details: 'Get the inventory details of a product and its variants.',
  get_item_details: 'Get the details of one item (a product variant).',
  cancel_pending_order: "Cancel a pending order; the reason is 'no longer needed' or 'ordered by mistake'.",
  exchange_delivered_order_items: 'Exchange items of a delivered order for variants of the same products.',
  return_delivered_order_items: 'Return items of a delivered order; the refund goes to the given payment method.',
  modify_pending_order_address: 'Change the shipping address of a pending order.',
  modify_pending_order_items: 'Change items of a pending order to other variants of the same products.',
  modify_pending_order_payment: 'Change the payment method of a pending order.',
  modify_user_address: "Change the user's default address.",
  get_reservation_details: 'Get the details of a flight reservation.',
  search_direct_flight: 'Search direct flights between two airports on a date.',
  search_onestop_flight: 'Search one-stop flights between two airports on a date.',
  book_reservation: 'Book a reservation.',
  cancel_reservation: 'Cancel a whole reservation.',
  update_reservation_flights: 'Change the flights or cabin of a reservation.',
  update_reservation_baggages: 'Change the baggage of a reservation.',
  update_reservation_passengers: 'Change the passengers of a reservation.',
  calculate: 'Evaluate an arithmetic expression.',
  transfer_to_human_agents: 'Transfer the user to a human agent, with a summary of the issue.',
};

/**
 * OpenAI function schemas for every tool the tasks' gold actions call, with parameter types
 * inferred from the arguments those actions pass (the task files carry no schemas). Sorted by name
 * so the JSON is the same whatever the task order.
 */
export function inferToolSchemas(tasks: readonly Tau2Task[]): JsonSchema[] {
  const calls = new Map<string, Readonly<Record<string, unknown>>[]>();
  for (const task of tasks) for (const action of task.actions) calls.set(action.name, [...(calls.get(action.name) ?? []), action.arguments]);
  return [...calls.keys()].sort().map((name) => {
    const argsList = calls.get(name) ?? [];
    return {
      type: 'function',
      function: { name, description: DESCRIPTIONS[name] ?? name.replace(/_/g, ' '), parameters: objectSchema(argsList) },
    };
  });
}

function objectSchema(samples: readonly Readonly<Record<string, unknown>>[]): JsonSchema {
  const keys = [...new Set(samples.flatMap((s) => Object.keys(s)))].sort();
  const properties = Object.fromEntries(keys.map((key) => [key, valueSchema(samples.map((s) => s[key]).filter((v) => v !== undefined))]));
  const required = keys.filter((key) => samples.every((s) => key in s));
  return { type: 'object', properties, required };
}

function valueSchema(values: readonly unknown[]): JsonSchema {
  const first = values.find((v) => v !== null);
  if (Array.isArray(first)) return { type: 'array', items: valueSchema(values.flatMap((v) => (Array.isArray(v) ? v : []))) };
  if (first !== null && typeof first === 'object') return objectSchema(values.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)));
  if (typeof first === 'number') return { type: values.every((v) => Number.isInteger(v)) ? 'integer' : 'number' };
  if (typeof first === 'boolean') return { type: 'boolean' };
  return { type: 'string' };
}
