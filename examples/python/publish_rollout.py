#!/usr/bin/env python3
"""Publish one complete rollout to Rollout Ledger through the HTTP ingest gateway.

Standard library only (urllib.request, json, uuid): copy this file into any rollout worker.

    python3 publish_rollout.py --url http://127.0.0.1:3000 --api-key "$ROLLOUT_LEDGER_API_KEY"

The rollout is a small retail task: RolloutStarted, the conversation as TurnRecorded events
(system, user, an assistant tool call, the tool's answer, the assistant's reply), the
environment's ToolCallRecorded, an online RewardAssigned and RolloutCompleted. They go in one
POST /v1/events (a JSON array, or NDJSON with --ndjson): the gateway publishes them all or none.

Retries: a 503 (Kafka or the registry unavailable) means nothing was published; sending the very
same body again is safe because every event carries its own event_id and consumers dedupe on it.
Prints the gateway's answer (where each event landed) and what was sent as JSON on stdout.
"""

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
import uuid


def now_ms():
    return int(time.time() * 1000)


def build_rollout(run_id, group_id, task_id, attempt, group_size, policy_version):
    """The envelopes {"type", "data"} of one rollout. Optional fields left out take their schema default."""
    rollout_id = str(uuid.uuid4())
    start = now_ms()
    clock = {"t": start}

    def envelope(event_type, **data):
        clock["t"] += 1
        base = {
            "event_id": str(uuid.uuid4()),
            "rollout_id": rollout_id,
            "group_id": group_id,
            "run_id": run_id,
            "occurred_at": clock["t"],
        }
        base.update(data)
        return {"type": event_type, "data": base}

    tools = [{
        "type": "function",
        "function": {
            "name": "find_user_id_by_email",
            "description": "Find a user id by email.",
            "parameters": {"type": "object", "properties": {"email": {"type": "string"}}, "required": ["email"]},
        },
    }]
    call_id = "call_" + uuid.uuid4().hex[:12]
    arguments = json.dumps({"email": "ana@example.com"})
    result = json.dumps({"user_id": "ana_42"})
    system = "You are a retail customer-service agent. Verify the user before any change."

    return rollout_id, [
        envelope(
            "RolloutStarted",
            task_id=task_id,
            domain="retail",
            group_size=group_size,
            policy_version=policy_version,
            attempt=attempt,
            system_prompt=system,
            tools=json.dumps(tools),
            user_simulator={"model": "gpt-4o", "instruction": "You are Ana; you want to return a lamp."},
            sampling={"temperature": 1.0, "top_p": 1.0, "max_tokens": 1024},
            labels={"framework": "example", "worker": os.uname().nodename if hasattr(os, "uname") else "worker"},
        ),
        envelope("TurnRecorded", turn_index=0, role="system", content=system, trainable=False),
        envelope("TurnRecorded", turn_index=1, role="user", content="Hi, I want to return the lamp I bought.", trainable=False),
        envelope(
            "TurnRecorded",
            turn_index=2,
            role="assistant",
            content=None,
            tool_calls=[{"id": call_id, "name": "find_user_id_by_email", "arguments": arguments}],
            trainable=True,
            token_ids=[151644, 77091, 198],
            logprobs=[-0.5, -0.25, -1.5],
            usage={"prompt_tokens": 812, "completion_tokens": 3},
        ),
        envelope(
            "ToolCallRecorded",
            tool_call_id=call_id,
            name="find_user_id_by_email",
            arguments=arguments,
            requestor="assistant",
            turn_index=2,
            result=result,
            status="ok",
            latency_ms=37,
        ),
        envelope("TurnRecorded", turn_index=3, role="tool", content=result, tool_call_id=call_id,
                 name="find_user_id_by_email", trainable=False),
        envelope("TurnRecorded", turn_index=4, role="assistant",
                 content="Thanks Ana, I found your account. Which order is the lamp in?", trainable=True),
        envelope(
            "RewardAssigned",
            reward=1.0,
            components={"db_match": 1.0},
            reward_fn="db-hash",
            reward_fn_version="1",
            source="online",
            details=json.dumps({"gt_data_hash": "9f2c"}),
        ),
        envelope("RolloutCompleted", termination_reason="user_stop", num_turns=5, final_state_hash="9f2c",
                 duration_ms=now_ms() - start),
    ]


def post_events(url, api_key, envelopes, ndjson, attempts=5):
    """POST /v1/events; retries the identical body on 503 and network errors (safe: ids dedupe)."""
    if ndjson:
        body = "".join(json.dumps(e) + "\n" for e in envelopes).encode("utf-8")
        content_type = "application/x-ndjson"
    else:
        body = json.dumps(envelopes).encode("utf-8")
        content_type = "application/json"
    request = urllib.request.Request(
        url.rstrip("/") + "/v1/events",
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "Authorization": "Bearer " + api_key},
    )
    for attempt in range(1, attempts + 1):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            answer = error.read().decode("utf-8", "replace")
            if error.code != 503 or attempt == attempts:
                raise SystemExit("POST /v1/events failed with HTTP %d: %s" % (error.code, answer))
            print("gateway unavailable (%s), retrying the same batch…" % answer, file=sys.stderr)
        except urllib.error.URLError as error:
            if attempt == attempts:
                raise SystemExit("cannot reach %s: %s" % (url, error.reason))
            print("cannot reach the gateway (%s), retrying…" % error.reason, file=sys.stderr)
        time.sleep(min(2 ** attempt * 0.2, 5))
    raise SystemExit("unreachable")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:3000", help="gateway base URL (default %(default)s)")
    parser.add_argument("--api-key", default=os.environ.get("ROLLOUT_LEDGER_API_KEY"),
                        help="API key with scope ingest (default: $ROLLOUT_LEDGER_API_KEY)")
    parser.add_argument("--run-id", default="example-run", help="training run / experiment id")
    parser.add_argument("--group-id", default=None, help="GRPO group id (default: a new UUID)")
    parser.add_argument("--task-id", default="retail-example-1")
    parser.add_argument("--ndjson", action="store_true", help="send NDJSON instead of a JSON array")
    args = parser.parse_args()
    if not args.api_key:
        parser.error("--api-key (or $ROLLOUT_LEDGER_API_KEY) is required")

    group_id = args.group_id or str(uuid.uuid4())
    rollout_id, envelopes = build_rollout(args.run_id, group_id, args.task_id, attempt=0, group_size=8, policy_version=1)
    answer = post_events(args.url, args.api_key, envelopes, args.ndjson)
    print("published rollout %s: %d events" % (rollout_id, len(answer["events"])), file=sys.stderr)
    json.dump({"rollout_id": rollout_id, "sent": envelopes, "accepted": answer}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
