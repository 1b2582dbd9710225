#!/usr/bin/env python3
"""Checks that Temporal's Python SDK reads an exported history (`TemporalHistory`).

Usage: temporal_history_check.py WORKFLOW_ID < history.json

Parses stdin with `temporalio.client.WorkflowHistory.from_json`, and again strictly: from_json
ignores unknown fields, so a misspelled field name would otherwise vanish without a word.
Every payload is decoded with the SDK's default converter.

Prints one line per event, `<eventId> <EVENT_TYPE_...>`, then `<fact>: <value>` lines. Exits 1
with one line on stderr when the history cannot be read.
"""

import json
import sys

import google.protobuf.json_format as json_format
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType, RetryState
from temporalio.api.history.v1 import History
from temporalio.client import WorkflowHistory
from temporalio.converter import PayloadConverter


def payloads_in(message):
    """Every Payload anywhere in a message, maps and repeated fields included."""
    if isinstance(message, Payload):
        yield message
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            values = value.values()
        elif field.is_repeated:
            values = value
        else:
            values = [value]
        for child in values:
            if not isinstance(child, (str, bytes)):
                yield from payloads_in(child)


def decoded(payload):
    return json.dumps(PayloadConverter.default.from_payloads([payload])[0], sort_keys=True, separators=(",", ":"))


def main():
    if len(sys.argv) != 2:
        raise ValueError("usage: temporal_history_check.py WORKFLOW_ID < history.json")
    text = sys.stdin.read()
    history = WorkflowHistory.from_json(sys.argv[1], text)
    json_format.Parse(text, History())
    facts = {"runId": history.run_id}
    decoded_count = 0
    for index, event in enumerate(history.events):
        if event.event_id != index + 1:
            raise ValueError(f"event {index + 1} has id {event.event_id}")
        print(event.event_id, EventType.Name(event.event_type))
        for payload in payloads_in(event):
            decoded(payload)
            decoded_count += 1
        kind = event.WhichOneof("attributes")
        attributes = getattr(event, kind)
        if kind == "workflow_execution_started_event_attributes":
            facts["workflowType"] = attributes.workflow_type.name
            facts["input"] = decoded(attributes.input.payloads[0])
        elif kind == "activity_task_failed_event_attributes" and "activityFailure" not in facts:
            facts["activityFailure"] = attributes.failure.message
            facts["retryState"] = RetryState.Name(attributes.retry_state)
    facts["payloads"] = decoded_count
    for name, value in facts.items():
        print(f"{name}: {value}")


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # noqa: BLE001 - any failure to read is the one-line answer
        print(f"temporal_history_check: {type(error).__name__}: {error}".splitlines()[0], file=sys.stderr)
        sys.exit(1)
