// Tools that exist in only one tau-bench domain (shared ones such as `calculate` or
// `transfer_to_human_agents` say nothing about the domain).
const DOMAIN_TOOLS: Readonly<Record<string, readonly string[]>> = {
  retail: [
    'find_user_id_by_email',
    'find_user_id_by_name_zip',
    'get_order_details',
    'get_product_details',
    'get_item_details',
    'list_all_product_types',
    'cancel_pending_order',
    'exchange_delivered_order_items',
    'return_delivered_order_items',
    'modify_pending_order_address',
    'modify_pending_order_items',
    'modify_pending_order_payment',
    'modify_user_address',
  ],
  airline: [
    'book_reservation',
    'cancel_reservation',
    'get_reservation_details',
    'list_all_airports',
    'search_direct_flight',
    'search_onestop_flight',
    'send_certificate',
    'update_reservation_baggages',
    'update_reservation_flights',
    'update_reservation_passengers',
  ],
};

/** The domain whose tools the names belong to, or null when they name none or several. */
export function inferDomain(toolNames: Iterable<string>): string | null {
  const found = new Set<string>();
  for (const name of toolNames) {
    for (const [domain, tools] of Object.entries(DOMAIN_TOOLS)) if (tools.includes(name)) found.add(domain);
  }
  return found.size === 1 ? [...found][0] : null;
}
