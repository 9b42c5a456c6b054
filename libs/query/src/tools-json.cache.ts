import { toolsOf } from './history.mapper';

/**
 * The `"tools"` value of an export line from the jsonb text Postgres prints: parsed as the pg
 * driver parses jsonb, read as `toTrajectory` reads it, and serialised with JSON.stringify — so it
 * is exactly what the reference path writes (Postgres' own JSON printing differs: spaces, number
 * forms, key order). A run has a handful of distinct tool sets, so each is rendered once.
 */
export class ToolsJsonCache {
  private readonly rendered = new Map<string, string>();

  constructor(private readonly maxEntries = 1_000) {}

  render(text: string | null): string {
    if (text === null) return '[]';
    let json = this.rendered.get(text);
    if (json === undefined) {
      json = JSON.stringify(toolsOf(JSON.parse(text)));
      // Bounded: a run with a distinct tool set per rollout must not grow memory without end.
      if (this.rendered.size >= this.maxEntries) this.rendered.clear();
      this.rendered.set(text, json);
    }
    return json;
  }
}
