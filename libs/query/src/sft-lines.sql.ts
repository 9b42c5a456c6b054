/**
 * SQL that renders the `messages` array of an SFT line inside Postgres, byte for byte as
 * libs/trajectory's `toOpenAIMessages` + `JSON.stringify` would: keys in the renderer's order, no
 * whitespace, strings through `to_json(text)` (Postgres escapes `"`, `\`, \b \f \n \r \t and other
 * control characters as lower-case \u00xx, exactly as JSON.stringify does; text cannot hold NUL or
 * lone surrogates, the only other cases where they differ).
 *
 * Any turn outside the shapes this covers (an unknown role, `tool_calls` not an array of
 * {id, name, arguments} strings) yields NULL for the whole rollout, and the caller renders that
 * one with the reference renderer instead — so the fast path never guesses.
 *
 * The lateral fence (`offset 0`) keeps Postgres from inlining `message` into both aggregates that
 * use it, which rendered every message twice.
 *
 * Reads the page row `p` and `w.weights` (boolean) from the enclosing query.
 */
export const SFT_MESSAGES_LATERAL = `left join lateral (
  select coalesce(bool_or(t.role = 'system'), false) as has_system,
    case when count(m.message) = count(*) then coalesce(string_agg(m.message, ',' order by t.turn_index), '') end as body
  from turns t
  cross join lateral (select case t.role
    when 'assistant' then '{"role":"assistant","content":' || coalesce(to_json(t.content)::text, 'null')
      || case when jsonb_typeof(t.tool_calls) <> 'array' then null
              when jsonb_array_length(t.tool_calls) = 0 then ''
              else ',"tool_calls":[' || (
                select case when bool_and(jsonb_typeof(e->'id') = 'string' and jsonb_typeof(e->'name') = 'string' and jsonb_typeof(e->'arguments') = 'string')
                  then string_agg('{"id":' || to_json(e->>'id')::text || ',"type":"function","function":{"name":' || to_json(e->>'name')::text
                    || ',"arguments":' || to_json(e->>'arguments')::text || '}}', ',' order by n) end
                from jsonb_array_elements(t.tool_calls) with ordinality x(e, n)) || ']' end
      || case when w.weights then case when t.trainable then ',"weight":1' else ',"weight":0' end else '' end
      || '}'
    when 'tool' then '{"role":"tool","tool_call_id":' || to_json(coalesce(t.tool_call_id, ''))::text || ',"content":'
      || to_json(coalesce(t.content,
           (select coalesce(tc.result, tc.error) from tool_calls tc where tc.rollout_id = t.rollout_id and tc.tool_call_id = t.tool_call_id), ''))::text
      || '}'
    when 'system' then '{"role":"system","content":' || to_json(coalesce(t.content, ''))::text || '}'
    when 'user' then '{"role":"user","content":' || to_json(coalesce(t.content, ''))::text || '}'
  end as message offset 0) m
  where t.rollout_id = p.rollout_id
) msg on true`;

/** The `[...]` text from the page row `p` and the lateral above; NULL when the rollout must fall back. */
export const SFT_MESSAGES_COLUMN = `'[' || case when p.system_prompt is not null and not msg.has_system
    then '{"role":"system","content":' || to_json(p.system_prompt)::text || '}' || case when msg.body <> '' then ',' else '' end
    else '' end || msg.body || ']'`;
