"""The dlt side of bench/pipelines: one merge load of an orders CSV, as a dlt user writes it.

Runs under bench/.venv-dlt (pip install "dlt[postgres,sqlalchemy]"); bench/pipelines calls it.

    dlt_load.py load  --destination postgres|sqlite --target URL|PATH --dataset NAME \
                      --pipelines-dir DIR --file CSV
    dlt_load.py count --destination postgres|sqlite --target URL|PATH --dataset NAME \
                      --pipelines-dir DIR

`load` reads the CSV with the csv module (one dict per row; id and quantity as int, prices as
float, the rest as text, so dlt's own detection types created_at as a timestamp) and runs
pipeline "bench_orders" with write_disposition="merge", primary_key="id" into PostgreSQL
(destination postgres) or a SQLite file (destination sqlalchemy, sqlite:///PATH). Running
`load` again with the same pipelines dir merges into the same table. `count` prints
`ROWS UPDATED`: rows in the table, and rows whose notes start with "updated" (outside the
timed run).
"""

import argparse
import csv
import os
import sys

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
os.environ.setdefault("RUNTIME__LOG_LEVEL", "WARNING")

import dlt  # noqa: E402

PIPELINE = "bench_orders"


def destination(args):
    if args.destination == "postgres":
        return dlt.destinations.postgres(credentials=args.target)
    return dlt.destinations.sqlalchemy(credentials="sqlite:///" + os.path.abspath(args.target))


def pipeline(args):
    return dlt.pipeline(pipeline_name=PIPELINE, pipelines_dir=args.pipelines_dir,
                        destination=destination(args), dataset_name=args.dataset)


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            row["id"] = int(row["id"])
            row["quantity"] = int(row["quantity"])
            row["unit_price"] = float(row["unit_price"])
            row["total"] = float(row["total"])
            if row["notes"] == "":
                row["notes"] = None
            yield row


def load(args):
    resource = dlt.resource(rows(args.file), name="orders", table_name="orders",
                            write_disposition="merge", primary_key="id")
    info = pipeline(args).run(resource)
    info.raise_on_failed_jobs()


def count(args):
    with pipeline(args).sql_client() as client:
        table = client.make_qualified_table_name("orders")
        result = client.execute_sql(
            f"SELECT count(*), sum(CASE WHEN notes LIKE 'updated%' THEN 1 ELSE 0 END) FROM {table}")
        total, updated = result[0]
        print(total, updated or 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["load", "count"])
    parser.add_argument("--destination", choices=["postgres", "sqlite"], required=True)
    parser.add_argument("--target", required=True, help="PostgreSQL URL, or SQLite file path")
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--pipelines-dir", required=True)
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.mode == "load":
        if not args.file:
            parser.error("load needs --file")
        load(args)
    else:
        count(args)


if __name__ == "__main__":
    sys.exit(main())
