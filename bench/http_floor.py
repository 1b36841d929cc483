"""The minimal HTTP floor: a bare Flask route that completes a workflow's task the shortest durable way.

It reads the workflow's JSON from one table (locking the row), deserializes it with SpiffWorkflow's own
serializer, completes the task with the posted data, runs the engine steps, writes the JSON back and
commits, through the bare driver: no authentication, no task mirror, no audit, no notifications. Served
by gunicorn with the same workers as powerflow and loaded by the same clients, it is the most completions
per second any durable engine could serve on this machine, measured in the same run (bench/http.py).
"""
from __future__ import annotations

import os
from uuid import UUID

import psycopg
from flask import Flask, jsonify, request
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

PURE = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
TABLE = "floor_matters"

app = Flask(__name__)
_connection: list[psycopg.Connection] = []  # one per worker process, opened on its first request


def _db() -> psycopg.Connection:
    if not _connection:
        _connection.append(psycopg.connect(os.environ["FLOOR_DATABASE_URL"]))
    return _connection[0]


@app.post("/complete/<int:matter>")
def complete(matter: int):
    data = request.get_json()["data"]
    connection = _db()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT state, task_guid FROM {TABLE} WHERE id = %s FOR UPDATE", (matter,))
        state, guid = cursor.fetchone()
        workflow = PURE.deserialize_json(state)
        workflow.script_engine = PythonScriptEngine(environment=TaskDataEnvironment(
            {"member_in_charge_of": lambda field: "zhoucw"}))
        task = workflow.get_task_from_id(UUID(guid))
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()
        cursor.execute(f"UPDATE {TABLE} SET state = %s WHERE id = %s", (PURE.serialize_json(workflow), matter))
    connection.commit()
    return jsonify({"completed": guid})


def prepare(connection: psycopg.Connection, matters: list[tuple[str, str]]) -> list[int]:
    """Store each (state, task id) in the floor's table; returns the rows' ids."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TABLE {TABLE} (id serial PRIMARY KEY, state text NOT NULL, task_guid text NOT NULL)")
        ids = [cursor.execute(f"INSERT INTO {TABLE} (state, task_guid) VALUES (%s, %s) RETURNING id",
                              matter).fetchone()[0] for matter in matters]
    connection.commit()
    return ids
