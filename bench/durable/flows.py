"""The durable-step benchmark's flows (bench/durable/run writes them into the server's flows
directory): chains of Compose steps with and without a Response, Stateful."""
import json
import os

CHAIN_STEPS = 40
QUEUED_STEPS = 3


def chain_flow(steps, volatile):
    """Request -> `steps` sequential Composes -> Response, Stateful.

    Each step adds one to the previous step's `n`, so the answer proves every step ran in order.
    With `volatile`, each step's inputs also call guid(): the engine must then wait for the
    step's completion to be committed before starting the next (docs/engine.md, "Durable runs").
    Without it the steps are deterministic: journaled, but the run does not wait for them.
    """
    actions = {}
    previous = None
    for i in range(1, steps + 1):
        name = f"Step_{i:02d}"
        n = "@add(triggerBody()?['n'], 1)" if previous is None else f"@add(outputs('{previous}')?['n'], 1)"
        actions[name] = {
            "type": "Compose",
            "runAfter": {} if previous is None else {previous: ["Succeeded"]},
            "inputs": {"n": n, "id": "@{guid()}" if volatile else f"step {i}"},
        }
        previous = name
    last = f"outputs('{previous}')?['n']" if previous else "triggerBody()?['n']"
    actions["Respond"] = {
        "type": "Response",
        "kind": "Http",
        "runAfter": {} if previous is None else {previous: ["Succeeded"]},
        "inputs": {"statusCode": 200, "body": {"n": "@" + last}},
    }
    return request_flow(actions)


def queued_flow(steps):
    """Request -> `steps` sequential volatile Composes, no Response: callers get 202."""
    actions = {}
    previous = None
    for i in range(1, steps + 1):
        name = f"Step_{i}"
        actions[name] = {
            "type": "Compose",
            "runAfter": {} if previous is None else {previous: ["Succeeded"]},
            "inputs": {"n": "@triggerBody()?['n']", "step": i, "id": "@{guid()}"},
        }
        previous = name
    return request_flow(actions)


def request_flow(actions):
    return {
        "definition": {
            "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
            "contentVersion": "1.0.0.0",
            "triggers": {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}},
            "actions": actions,
        },
        "kind": "Stateful",
    }


FLOWS = {
    "chain0": lambda: chain_flow(0, False),
    "chain40-awaited": lambda: chain_flow(CHAIN_STEPS, True),
    "chain40-deterministic": lambda: chain_flow(CHAIN_STEPS, False),
    "queued3": lambda: queued_flow(QUEUED_STEPS),
}


def write_flows(directory):
    os.makedirs(directory, exist_ok=True)
    for name, make in FLOWS.items():
        with open(os.path.join(directory, name + ".json"), "w") as f:
            json.dump(make(), f, indent=1)
