"""The soak test's flows, written into the server's flows directory before the first start."""
import json
import os

HTTP_ACTIONS = ("Call_a", "Call_b")


def request_trigger():
    return {"manual": {"type": "Request", "kind": "Http", "inputs": {"method": "POST"}}}


def flow(kind, triggers, actions):
    return {
        "definition": {
            "$schema": "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
            "contentVersion": "1.0.0.0",
            "triggers": triggers,
            "actions": actions,
        },
        "kind": kind,
    }


def respond(after):
    return {"type": "Response", "kind": "Http", "runAfter": after,
            "inputs": {"statusCode": 200, "body": {"n": "@triggerBody()?['n']"}}}


def http_call(target_url, action, method, retry_policy, timeout):
    return {
        "type": "Http",
        "inputs": {
            "method": method,
            # The run id and the action's name in the path let the target count each action's calls.
            "uri": target_url + "/call/@{workflow()['run']['name']}/" + action,
            "body": {"n": "@triggerBody()?['n']"} if method == "POST" else None,
            "retryPolicy": retry_policy,
        },
        "limit": {"timeout": timeout},
    }


def soak_flows(target_url, timeout_s):
    """{name: document}. `timeout_s` is the Http actions' limit.timeout in seconds."""
    any_end = ["Succeeded", "Failed", "TimedOut"]
    call_a = http_call(target_url, "Call_a", "POST",
                       {"type": "fixed", "count": 4, "interval": "PT1S"}, f"PT{timeout_s}S")
    call_a["runAfter"] = {"Stamp": ["Succeeded"]}
    call_b = http_call(target_url, "Call_b", "GET",
                       {"type": "exponential", "count": 3, "interval": "PT1S", "minimumInterval": "PT1S",
                        "maximumInterval": "PT3S"}, f"PT{timeout_s}S")
    del call_b["inputs"]["body"]
    call_b["runAfter"] = {"Call_a": any_end}
    return {
        # Stateful with a Response: the caller gets 200 once the Response's record is committed.
        "soak-sync": flow("Stateful", request_trigger(), {
            "Stamp": {"type": "Compose", "runAfter": {}, "inputs": {"n": "@triggerBody()?['n']", "at": "@{utcNow()}"}},
            "Respond": respond({"Stamp": ["Succeeded"]}),
        }),
        # Stateless: answered from memory, nothing stored.
        "soak-stateless": flow("Stateless", request_trigger(), {"Respond": respond({})}),
        # Stateful without a Response: 202; a one-second Wait keeps runs in flight across kills.
        "soak-queued": flow("Stateful", request_trigger(), {
            "Copy": {"type": "Compose", "runAfter": {}, "inputs": "@triggerBody()"},
            "Pause": {"type": "Wait", "runAfter": {"Copy": ["Succeeded"]},
                      "inputs": {"interval": {"count": 1, "unit": "Second"}}},
            "Stamp": {"type": "Compose", "runAfter": {"Pause": ["Succeeded"]}, "inputs": "@{guid()}"},
        }),
        # Stateful, two Http calls to the flaky target with retry policies and a timeout.
        "soak-http": flow("Stateful", request_trigger(), {
            "Stamp": {"type": "Compose", "runAfter": {}, "inputs": "@{guid()}"},
            "Call_a": call_a,
            "Call_b": call_b,
            "Done": {"type": "Compose", "runAfter": {"Call_b": any_end}, "inputs": "@outputs('Call_b')?['statusCode']"},
        }),
        # A schedule every second.
        "soak-tick": flow("Stateful", {"every": {"type": "Recurrence", "recurrence": {"frequency": "Second", "interval": 1}}}, {
            "Stamp": {"type": "Compose", "runAfter": {}, "inputs": "@trigger()?['scheduledTime']"},
        }),
    }


def write_flows(directory, target_url, timeout_s):
    os.makedirs(directory, exist_ok=True)
    for name, doc in soak_flows(target_url, timeout_s).items():
        with open(os.path.join(directory, name + ".json"), "w") as f:
            json.dump(doc, f, indent=1)
