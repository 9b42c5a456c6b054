import type { SeededRandom } from './seeded-random';

type Args = Readonly<Record<string, unknown>>;

/** Tools that only read: no confirmation asked before them, and they never change the DB state. */
export function isReadOnlyTool(name: string): boolean {
  return /^(get_|find_|search_|list_|calculate$)/.test(name);
}

/**
 * A plausible environment answer to a tool call, as tau2 tools return them: a JSON document built
 * around the call's own arguments (a few hundred bytes to ~2 KB), or a plain string for lookups.
 */
export function toolResult(name: string, args: Args, rng: SeededRandom, knownUserId?: string): string {
  switch (name) {
    case 'find_user_id_by_email':
      return knownUserId ?? String(args['email'] ?? 'user').split('@')[0].replace(/[^a-z]+/gi, '_').toLowerCase() + `_${rng.digits(4)}`;
    case 'find_user_id_by_name_zip':
      return knownUserId ?? `${String(args['first_name'] ?? 'user').toLowerCase()}_${String(args['last_name'] ?? 'x').toLowerCase()}_${rng.digits(4)}`;
    case 'get_user_details':
      return JSON.stringify(user(args, rng));
    case 'get_order_details':
      return JSON.stringify(order(String(args['order_id'] ?? `#W${rng.digits(7)}`), rng, 'pending'));
    case 'get_product_details':
    case 'get_item_details':
      return JSON.stringify(product(String(args['product_id'] ?? args['item_id'] ?? rng.digits(10)), rng));
    case 'get_reservation_details':
      return JSON.stringify(reservation(String(args['reservation_id'] ?? rng.token(6).toUpperCase()), rng));
    case 'search_direct_flight':
    case 'search_onestop_flight':
      return JSON.stringify(Array.from({ length: rng.int(1, 4) }, () => flight(args, rng)));
    case 'calculate':
      return String(Math.round(rng.next() * 100000) / 100);
    case 'transfer_to_human_agents':
      return 'Transfer successful';
    default:
      return JSON.stringify(mutation(name, args, rng));
  }
}

/** What a tau2 tool answers when the call is wrong (bad id, wrong state…). */
export function toolError(name: string, args: Args, rng: SeededRandom): string {
  const id = Object.values(args).find((v) => typeof v === 'string') ?? name;
  if (isReadOnlyTool(name)) return rng.pick([`Error: ${String(id)} not found`, `Error: invalid argument for ${name}`]);
  return rng.pick([`Error: invalid argument for ${name}`, `Error: the ${name.split('_').pop()} cannot be changed in its current status`]);
}

const CITIES = [
  ['Chicago', 'IL', '60601'],
  ['Austin', 'TX', '78701'],
  ['Denver', 'CO', '80202'],
  ['Seattle', 'WA', '98101'],
  ['Columbus', 'OH', '43215'],
];

function address(rng: SeededRandom) {
  const [city, state, zip] = rng.pick(CITIES);
  return { address1: `${rng.int(10, 999)} ${rng.pick(['Elm', 'Oak', 'Maple', 'Cedar', 'Pine'])} Street`, address2: `Suite ${rng.int(100, 999)}`, city, country: 'USA', state, zip };
}

function user(args: Args, rng: SeededRandom) {
  const id = String(args['user_id'] ?? 'user_0000');
  const [first, last] = id.split('_');
  return {
    user_id: id,
    name: { first_name: capital(first ?? 'Alex'), last_name: capital(last ?? 'Doe') },
    address: address(rng),
    email: `${first ?? 'alex'}.${last ?? 'doe'}${rng.digits(4)}@example.com`,
    payment_methods: {
      [`credit_card_${rng.digits(7)}`]: { source: 'credit_card', brand: rng.pick(['visa', 'mastercard']), last_four: rng.digits(4) },
      [`gift_card_${rng.digits(7)}`]: { source: 'gift_card', balance: rng.int(0, 400) },
    },
    membership: rng.pick(['regular', 'silver', 'gold']),
    orders: Array.from({ length: rng.int(1, 4) }, () => `#W${rng.digits(7)}`),
  };
}

function item(rng: SeededRandom) {
  return {
    name: rng.pick(['Mechanical Keyboard', 'Smart Thermostat', 'Water Bottle', 'Desk Lamp', 'Hiking Boots', 'Office Chair', 'Wireless Earbuds']),
    product_id: rng.digits(10),
    item_id: rng.digits(10),
    price: Math.round(rng.next() * 50000) / 100,
    options: { color: rng.pick(['black', 'white', 'blue', 'red']), size: rng.pick(['S', 'M', 'L', 'one size']) },
  };
}

function order(orderId: string, rng: SeededRandom, status: string) {
  const items = Array.from({ length: rng.int(1, 4) }, () => item(rng));
  const total = Math.round(items.reduce((sum, i) => sum + i.price, 0) * 100) / 100;
  return {
    order_id: orderId,
    user_id: `user_${rng.digits(4)}`,
    address: address(rng),
    items,
    status: rng.chance(0.5) ? status : 'delivered',
    fulfillments: [{ tracking_id: [rng.digits(12)], item_ids: items.map((i) => i.item_id) }],
    payment_history: [{ transaction_type: 'payment', amount: total, payment_method_id: `credit_card_${rng.digits(7)}` }],
  };
}

function product(productId: string, rng: SeededRandom) {
  const variants = Object.fromEntries(
    Array.from({ length: rng.int(2, 5) }, () => {
      const v = item(rng);
      return [v.item_id, { item_id: v.item_id, options: v.options, available: rng.chance(0.7), price: v.price }];
    }),
  );
  return { name: item(rng).name, product_id: productId, variants };
}

function flight(args: Args, rng: SeededRandom) {
  const hour = rng.int(5, 21);
  return {
    flight_number: `HAT${rng.digits(3)}`,
    origin: args['origin'] ?? 'JFK',
    destination: args['destination'] ?? 'SFO',
    scheduled_departure_time_est: `${String(hour).padStart(2, '0')}:00:00`,
    scheduled_arrival_time_est: `${String((hour + rng.int(2, 6)) % 24).padStart(2, '0')}:30:00`,
    status: 'available',
    available_seats: { basic_economy: rng.int(0, 20), economy: rng.int(0, 20), business: rng.int(0, 10) },
    prices: { basic_economy: rng.int(50, 100), economy: rng.int(100, 200), business: rng.int(200, 500) },
    date: args['date'] ?? '2024-05-20',
  };
}

function reservation(reservationId: string, rng: SeededRandom) {
  const [origin, destination] = [rng.pick(['JFK', 'ATL', 'LAX', 'ORD']), rng.pick(['SEA', 'MIA', 'DEN', 'PHX'])];
  return {
    reservation_id: reservationId,
    user_id: `user_${rng.digits(4)}`,
    origin,
    destination,
    flight_type: rng.pick(['one_way', 'round_trip']),
    cabin: rng.pick(['basic_economy', 'economy', 'business']),
    flights: Array.from({ length: rng.int(1, 2) }, () => ({ ...flight({ origin, destination }, rng), price: rng.int(80, 400) })),
    passengers: Array.from({ length: rng.int(1, 3) }, () => ({ first_name: rng.pick(['Mia', 'Noah', 'Liam', 'Emma']), last_name: rng.pick(['Kim', 'Lee', 'Silva']), dob: `19${rng.int(50, 99)}-0${rng.int(1, 9)}-1${rng.int(0, 9)}` })),
    payment_history: [{ payment_id: `credit_card_${rng.digits(7)}`, amount: rng.int(100, 1200) }],
    created_at: '2024-05-10T10:12:00',
    total_baggages: rng.int(0, 3),
    nonfree_baggages: 0,
    insurance: rng.pick(['yes', 'no']),
  };
}

function mutation(name: string, args: Args, rng: SeededRandom) {
  const base = 'reservation_id' in args ? reservation(String(args['reservation_id']), rng) : order(String(args['order_id'] ?? `#W${rng.digits(7)}`), rng, 'pending');
  const status = /cancel/.test(name) ? 'cancelled' : /return/.test(name) ? 'return requested' : /exchange/.test(name) ? 'exchange requested' : 'pending (modified)';
  return { ...base, ...args, status };
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
