import { toolsOf } from './history.mapper';

/**
 * The `"tools"` value of an export line, as UTF-8, from the jsonb text Postgres prints (its raw
 * bytes): parsed as the pg driver parses jsonb, read as `toTrajectory` reads it, and serialised with
 * JSON.stringify — so it is exactly what the reference path writes (Postgres' own JSON printing
 * differs: spaces, number forms, key order). A run has a handful of distinct tool sets, so each is
 * rendered once.
 */
export class ToolsJsonCache {
  private static readonly NONE = Buffer.from('[]');
  private readonly rendered = new Map<string, Buffer>();

  constructor(private readonly maxEntries = 1_000) {}

  render(text: Buffer | null): Buffer {
    if (text === null) return ToolsJsonCache.NONE;
    // latin1 maps each byte to one character: a cheap, exact key for the bytes.
    const key = text.toString('latin1');
    let json = this.rendered.get(key);
    if (json === undefined) {
      json = Buffer.from(JSON.stringify(toolsOf(JSON.parse(text.toString('utf8')))));
      // Bounded: a run with a distinct tool set per rollout must not grow memory without end.
      if (this.rendered.size >= this.maxEntries) this.rendered.clear();
      this.rendered.set(key, json);
    }
    return json;
  }
}
