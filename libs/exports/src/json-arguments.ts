/**
 * Tool-call arguments travel as JSON text; TRL's chat templates want an object. Arguments that are
 * not a JSON object (a model's malformed call) are kept as the raw text rather than dropped or
 * invented, so the trainer sees what the model produced.
 */
export function argumentsObject(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : text;
  } catch {
    return text;
  }
}
