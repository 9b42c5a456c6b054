import type { SeededRandom } from './seeded-random';

const COMMON_RULES = [
  'Authenticate the user before you look up or change anything: by email, or by first name, last name and zip code (retail), or by user id (airline).',
  'Before any action that changes the database, list the exact details of the action and wait for an explicit "yes" from the user.',
  'Make at most one tool call at a time, and do not answer the user in the same message as a tool call.',
  'Never invent information, procedures or compensation that the tools or this policy do not provide.',
  'Deny requests that break this policy; transfer to a human agent only when the request is out of scope.',
];

const DOMAIN_RULES: Readonly<Record<string, readonly string[]>> = {
  retail: [
    'Pending orders can be cancelled, or have their address, payment method or items changed, once per order.',
    'Delivered orders can be returned or exchanged; an exchange keeps the product type and only changes options.',
    'Refunds go back to the original payment method or to an existing gift card.',
    "A cancellation reason is either 'no longer needed' or 'ordered by mistake'.",
  ],
  airline: [
    'The current time is 2024-05-15 15:00:00 EST.',
    'Basic economy flights cannot be modified; other reservations may change flights but not origin, destination or trip type.',
    'Cancellation is allowed within 24 hours of booking, when the airline cancelled the flight, for business class, or with travel insurance covering the reason.',
    'Travel insurance cannot be added after the initial booking; checked bags can only be added, never removed.',
    'Offer compensation certificates only to eligible members who complain about cancelled or delayed flights, and only when they ask.',
  ],
};

/** The agent's system prompt for a domain: a policy in the style of tau2-bench (about 1 KB). */
export function systemPrompt(domain: string): string {
  const rules = [...(DOMAIN_RULES[domain] ?? []), ...COMMON_RULES].map((rule) => `- ${rule}`).join('\n');
  return `# ${capitalize(domain)} agent policy\n\nYou are a customer service agent for a ${domain} company. You help users with their requests using the tools provided, following this policy.\n\n${rules}\n\nBe concise and polite, and reply in the user's language.`;
}

/** The user's words for the task's reason for calling: the instruction, turned into first person. */
export function firstPerson(text: string): string {
  return text
    .replace(/\bYou are\b/g, "I'm")
    .replace(/\byou are\b/g, "I'm")
    .replace(/\bYou're\b/g, "I'm")
    .replace(/\byou're\b/g, "I'm")
    .replace(/\bYour\b/g, 'My')
    .replace(/\byour\b/g, 'my')
    .replace(/\bYou\b/g, 'I')
    .replace(/\byou\b/g, 'me')
    .replace(/\byourself\b/g, 'myself')
    .replace(/\s+/g, ' ')
    .trim();
}

export const GREETINGS = ['Hi!', 'Hello,', 'Hi there.', 'Good afternoon.', 'Hey,'];

export const AGENT_ASK_IDENTITY: Readonly<Record<string, readonly string[]>> = {
  retail: [
    'I can help with that. First, could you please give me the email address on your account, or your first and last name and zip code, so I can verify your identity?',
    'Sure! Before we start, I need to authenticate you: please share your email, or your full name and zip code.',
  ],
  airline: [
    'I can help with that. Could you please give me your user id so I can pull up your profile?',
    "Happy to help. To get started, what's your user id? If you have the reservation number handy, please share it too.",
  ],
};

export const AGENT_FILLERS = [
  'Thanks for your patience. Just to make sure I get this right, could you confirm which item or booking you mean?',
  'Understood. Is there a preference I should keep in mind, for example a budget or a date?',
  'Got it. Do you want me to handle everything in one go, or one request at a time?',
  'Thank you. Could you confirm that the details above are correct before we continue?',
];

export const USER_FILLERS = [
  'Yes, that one.',
  "The cheaper option is fine, I don't want to pay more than before.",
  'Everything in one go, please.',
  'Yes, those details are correct.',
  "Hmm, let me think... yes, let's go ahead with that.",
  "I'm not sure, what are my options?",
];

export const USER_CONFIRM = ['Yes, please go ahead.', 'Yes.', 'Yes, that is correct, please proceed.', 'Yes, do it.'];

export const USER_CLOSING = ["That's all, thank you! ###STOP###", 'Great, thanks for your help. ###STOP###', 'No, that was everything. Bye! ###STOP###'];

export const USER_LOOP = [
  'That is not what I asked. Can you check again?',
  "I still don't understand why this is not possible.",
  'Can you look at it one more time, please?',
];

export function agentClosing(rng: SeededRandom, done: readonly string[]): string {
  const summary = done.length === 0 ? 'I have reviewed your request.' : `I have completed the following: ${done.join(', ')}.`;
  return `${summary} ${rng.pick(['Is there anything else I can help you with?', 'Anything else I can do for you today?'])}`;
}

export function agentConfirm(name: string, args: Readonly<Record<string, unknown>>): string {
  const details = Object.entries(args)
    .map(([key, value]) => `- ${key.replace(/_/g, ' ')}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('\n');
  return `Here is what I am about to do (${name.replace(/_/g, ' ')}):\n${details}\nDo you confirm (yes/no)?`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
