#!/usr/bin/env python3
"""Rollout Ledger trainer client: lease a GRPO batch, read its payload, ack (or nack) it.

Standard library only (urllib, json), so it drops into any trainer image. Typical loop:

    client = TrainerClient("http://127.0.0.1:3000", api_key="...", trainer_id="gpu-node-0")
    while True:
        lease = client.lease(lease_timeout_s=900, policy_version=step, wait_s=30)
        if lease is None:
            continue                                # nothing became leasable within 30 s
        members = client.read_payload(lease)        # list of dicts, one per rollout
        train_on(members)                           # advantage, messages, token_ids, loss_mask...
        client.ack(lease)

With wait_s the server holds the request until a batch becomes leasable (long poll, at most 60 s),
so a waiting trainer gets a batch the moment it is committed without polling.
A lease that is neither acked nor nacked before it expires is delivered to another trainer; an ack
with an expired lease that went elsewhere raises LeaseConflict (HTTP 409).

Command line (prints one JSON object per batch on stdout):

    python3 rollout_ledger_trainer.py --url http://127.0.0.1:3000 --api-key KEY --trainer-id t0 --max-batches 1
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request


MAX_WAIT_S = 60  # the longest wait_s the lease API accepts


class LedgerHTTPError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body}")
        self.status = status
        self.body = body


class LeaseConflict(LedgerHTTPError):
    """The lease is no longer the batch's current one (HTTP 409)."""


class TrainerClient:
    def __init__(self, base_url, api_key=None, trainer_id="trainer", timeout_s=60.0):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.trainer_id = trainer_id
        self.timeout_s = timeout_s

    def _request(self, method, path_or_url, body=None, timeout_s=None):
        url = path_or_url if path_or_url.startswith("http") else self.base_url + path_or_url
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.api_key:
            request.add_header("Authorization", "Bearer " + self.api_key)
        try:
            with urllib.request.urlopen(request, timeout=timeout_s or self.timeout_s) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            if error.code == 409:
                raise LeaseConflict(error.code, text) from None
            raise LedgerHTTPError(error.code, text) from None

    def lease(self, lease_timeout_s=600, run_id=None, policy_version=None, wait_s=0):
        """The next batch with its lease, or None when nothing is leasable now (or, with wait_s, within
        that many seconds, at most 60: the server answers as soon as a batch becomes leasable)."""
        body = {"trainer_id": self.trainer_id, "lease_timeout_s": lease_timeout_s}
        if wait_s:
            body["wait_s"] = wait_s
        if run_id is not None:
            body["run_id"] = run_id
        if policy_version is not None:
            body["policy_version"] = policy_version
        status, raw = self._request("POST", "/v1/batches/lease", body, timeout_s=max(self.timeout_s, wait_s + 10))
        if status == 204 or not raw:
            return None
        return json.loads(raw)

    def read_payload(self, lease):
        """The batch members from the JSONL payload, downloaded over HTTP (works from any node)."""
        _, raw = self._request("GET", lease["payload"]["jsonl"]["url"])
        return [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]

    def ack(self, lease):
        _, raw = self._request("POST", f"/v1/batches/{lease['batch_id']}/ack", {"lease_id": lease["lease_id"]})
        return json.loads(raw)

    def nack(self, lease, reason=None):
        body = {"lease_id": lease["lease_id"]}
        if reason:
            body["reason"] = reason
        _, raw = self._request("POST", f"/v1/batches/{lease['batch_id']}/nack", body)
        return json.loads(raw)

    def report_policy_version(self, policy_version, run_id=None):
        body = {"policy_version": policy_version}
        if run_id is not None:
            body["run_id"] = run_id
        _, raw = self._request("POST", f"/v1/trainers/{self.trainer_id}/policy-version", body)
        return json.loads(raw)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Lease GRPO batches from Rollout Ledger, read them, ack them.")
    parser.add_argument("--url", default="http://127.0.0.1:3000")
    parser.add_argument("--api-key", default=None)
    parser.add_argument("--trainer-id", default="trainer")
    parser.add_argument("--run-id", default=None)
    parser.add_argument("--lease-timeout-s", type=float, default=600)
    parser.add_argument("--max-batches", type=int, default=1, help="stop after this many batches")
    parser.add_argument("--wait-s", type=float, default=30, help="give up when no batch is leasable for this long")
    parser.add_argument("--no-ack", action="store_true", help="lease and read but never ack (simulates a crashed trainer)")
    args = parser.parse_args(argv)

    client = TrainerClient(args.url, api_key=args.api_key, trainer_id=args.trainer_id)
    done = 0
    idle_since = time.monotonic()
    while done < args.max_batches:
        left = args.wait_s - (time.monotonic() - idle_since)
        lease = client.lease(lease_timeout_s=args.lease_timeout_s, run_id=args.run_id, wait_s=min(max(left, 0), MAX_WAIT_S))
        if lease is None:
            if time.monotonic() - idle_since >= args.wait_s:
                print(f"no batch leasable for {args.wait_s} s", file=sys.stderr)
                return 2
            continue
        members = client.read_payload(lease)
        if not args.no_ack:
            client.ack(lease)
        print(json.dumps({
            "batch_id": lease["batch_id"],
            "lease_id": lease["lease_id"],
            "group_ids": lease["group_ids"],
            "members": [
                {"rollout_id": m["rollout_id"], "group_id": m["group_id"], "reward": m["reward"], "advantage": m["advantage"],
                 "messages": len(m["messages"]), "has_tokens": "token_ids" in m}
                for m in members
            ],
            "acked": not args.no_ack,
        }), flush=True)
        done += 1
        idle_since = time.monotonic()
    return 0


if __name__ == "__main__":
    sys.exit(main())
