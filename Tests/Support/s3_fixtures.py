#!/usr/bin/env python3
"""S3 fixtures for the tests: a small boto3 command line that the Swift tests spawn.

    s3_fixtures.py create-bucket BUCKET
    s3_fixtures.py upload BUCKET KEY FILE        upload a local file (multipart when large)
    s3_fixtures.py put BUCKET KEY TEXT           a small object holding TEXT (UTF-8)
    s3_fixtures.py many BUCKET PREFIX COUNT [--date YYYY-MM-DD]
                                                 COUNT small CSV objects PREFIX/part-NNNNN_DATE.csv
    s3_fixtures.py big FILE MEGABYTES            write a local CSV of about MEGABYTES MB;
                                                 prints its number of data rows
    s3_fixtures.py delete-bucket BUCKET          every object (and version), then the bucket
    s3_fixtures.py iam-user USER                 on a moto that checks credentials: a user with
                                                 s3:* and its access key, printed as KEY SECRET

The server is S3_ENDPOINT_URL (scripts/moto prints it; the tests export it as
SIGNALROOM_TEST_S3_ENDPOINT); the credentials are AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
and AWS_REGION, by default testing/testing/us-east-1 (moto accepts any unless told to check).
On failure: one line on stderr and exit status 1 (2 for a bad command line).
"""

import argparse
import concurrent.futures
import os
import sys

# `many` uploads from this many threads: each upload is one small request, so the time is
# round trips, and 16 in flight keep moto's threaded server busy without swamping it.
THREADS = 16
# ~10,000 characters per `big` row: wide enough that a row crosses read-buffer boundaries.
PAYLOAD_CHARS = 10_000


def fail(message):
    print(f"s3_fixtures.py: {message}", file=sys.stderr)
    sys.exit(1)


def client():
    import boto3
    from botocore.config import Config

    endpoint = os.environ.get("S3_ENDPOINT_URL") or None
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID") or "testing",
        aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY") or "testing",
        region_name=os.environ.get("AWS_REGION") or "us-east-1",
        config=Config(
            # Path style: http://127.0.0.1:PORT/BUCKET/KEY; a local server has no DNS per bucket.
            s3={"addressing_style": "path"},
            # Enough connections for the `many` threads (the default pool is 10).
            max_pool_connections=THREADS * 2,
            retries={"max_attempts": 3, "mode": "standard"},
        ),
    )


def create_bucket(args):
    s3 = client()
    region = s3.meta.region_name
    # us-east-1 takes no LocationConstraint (S3 rejects one naming it); other regions need it.
    if region == "us-east-1":
        s3.create_bucket(Bucket=args.bucket)
    else:
        s3.create_bucket(
            Bucket=args.bucket, CreateBucketConfiguration={"LocationConstraint": region}
        )


def upload(args):
    from boto3.s3.transfer import TransferConfig

    if not os.path.isfile(args.file):
        fail(f"no file {args.file}")
    # upload_file splits files over the threshold into parts sent in parallel; 8 MiB parts
    # keep the part count (and moto's per-part bookkeeping) modest for files of hundreds of MB.
    config = TransferConfig(multipart_threshold=8 * 1024 * 1024, multipart_chunksize=8 * 1024 * 1024)
    client().upload_file(args.file, args.bucket, args.key, Config=config)


def put(args):
    client().put_object(Bucket=args.bucket, Key=args.key, Body=args.text.encode("utf-8"))


def many_key(prefix, index, date):
    prefix = prefix.rstrip("/")
    name = f"part-{index:05d}_{date}.csv"
    return f"{prefix}/{name}" if prefix else name


def many(args):
    if args.count < 0:
        fail(f"COUNT must be 0 or more, not {args.count}")
    s3 = client()  # boto3 clients are thread-safe; one shares its connection pool

    def one(index):
        body = f"id,value\n{index},v{index}\n".encode("utf-8")
        s3.put_object(Bucket=args.bucket, Key=many_key(args.prefix, index, args.date), Body=body)

    with concurrent.futures.ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [pool.submit(one, index) for index in range(1, args.count + 1)]
        for future in concurrent.futures.as_completed(futures):
            error = future.exception()
            if error is not None:
                for other in futures:
                    other.cancel()
                raise error


def big(args):
    if args.megabytes <= 0:
        fail(f"MEGABYTES must be more than 0, not {args.megabytes}")
    target = int(args.megabytes * 1024 * 1024)
    # Each row's payload is quoted and holds a comma, a doubled quote and multibyte UTF-8
    # (é: 2 bytes, €: 3, 😀: 4), so a reader must get quoting and UTF-8 right across a
    # field that spans its buffers.
    head = 'café, "quoted" € 😀 '
    filler = "x" * (PAYLOAD_CHARS - len(head))
    payload = '"' + (head + filler).replace('"', '""') + '"'
    rows = 0
    written = 0
    with open(args.file, "w", encoding="utf-8", newline="") as out:
        header = "id,payload\n"
        out.write(header)
        written += len(header)
        while written < target:
            rows += 1
            line = f"{rows},{payload}\n"
            out.write(line)
            written += len(line.encode("utf-8"))
    print(rows)


def delete_bucket(args):
    s3 = client()
    # Versions and delete markers too: a bucket that ever had versioning keeps them, and
    # DeleteBucket refuses a bucket that is not empty. Always the first page, deleted, until
    # none is left: moto 5 returns an empty page when the KeyMarker/VersionIdMarker of the
    # next page names a version that has just been deleted, so paging while deleting stops
    # after 1000 objects there.
    while True:
        page = s3.list_object_versions(Bucket=args.bucket)
        objects = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if not objects:
            break
        for start in range(0, len(objects), 1000):  # DeleteObjects takes at most 1000
            batch = objects[start : start + 1000]
            result = s3.delete_objects(Bucket=args.bucket, Delete={"Objects": batch, "Quiet": True})
            errors = result.get("Errors") or []
            if errors:
                first = errors[0]
                fail(f"could not delete {first.get('Key')!r} from {args.bucket}: {first.get('Code')} {first.get('Message')}")
    s3.delete_bucket(Bucket=args.bucket)


def iam_user(args):
    """On a moto server that checks credentials (started with INITIAL_NO_AUTH_ACTION_COUNT=3),
    the three free calls make a user allowed s3:* and its access key; prints `KEY SECRET`."""
    import json
    import boto3

    iam = boto3.client("iam", endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
                       aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
    iam.create_user(UserName=args.user)
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_user_policy(UserName=args.user, PolicyName="s3-all", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=args.user)["AccessKey"]
    print(key["AccessKeyId"], key["SecretAccessKey"])


def main(argv):
    parser = argparse.ArgumentParser(prog="s3_fixtures.py", description="S3 fixtures for the tests")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = commands.add_parser("create-bucket", help="create BUCKET")
    p.add_argument("bucket")
    p.set_defaults(run=create_bucket)

    p = commands.add_parser("upload", help="upload local FILE as KEY")
    p.add_argument("bucket")
    p.add_argument("key")
    p.add_argument("file")
    p.set_defaults(run=upload)

    p = commands.add_parser("put", help="put TEXT as KEY")
    p.add_argument("bucket")
    p.add_argument("key")
    p.add_argument("text")
    p.set_defaults(run=put)

    p = commands.add_parser("many", help="upload COUNT small CSV objects under PREFIX")
    p.add_argument("bucket")
    p.add_argument("prefix")
    p.add_argument("count", type=int)
    p.add_argument("--date", default="2024-12-01", help="the date in the keys (default 2024-12-01)")
    p.set_defaults(run=many)

    p = commands.add_parser("big", help="write a local CSV of about MEGABYTES MB")
    p.add_argument("file")
    p.add_argument("megabytes", type=float)
    p.set_defaults(run=big)

    p = commands.add_parser("iam-user", help="create USER with s3:* and print its KEY SECRET (auth-checking moto)")
    p.add_argument("user")
    p.set_defaults(run=iam_user)

    p = commands.add_parser("delete-bucket", help="empty BUCKET and delete it")
    p.add_argument("bucket")
    p.set_defaults(run=delete_bucket)

    args = parser.parse_args(argv)
    try:
        import boto3  # noqa: F401  (a clear message when it is missing, before any work)
    except ImportError:
        if args.command != "big":
            fail(f"boto3 is not installed for {sys.executable} (scripts/moto start installs it)")
    try:
        args.run(args)
    except SystemExit:
        raise
    except Exception as error:  # one line, whatever failed: boto3, the network, the disk
        fail(f"{args.command}: {describe(error)}")
    return 0


def describe(error):
    response = getattr(error, "response", None)
    if isinstance(response, dict) and "Error" in response:
        e = response["Error"]
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return f"{e.get('Code')} (HTTP {status}): {e.get('Message') or ''}".strip()
    text = " ".join(str(error).split()) or type(error).__name__
    return f"{type(error).__name__}: {text}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
