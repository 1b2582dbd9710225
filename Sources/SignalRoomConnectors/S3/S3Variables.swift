import SignalRoomCore

extension EnvironmentVariable {
    public static let s3BucketName = EnvironmentVariable("S3_BUCKET_NAME", group: .source("s3"), required: true, help: "the bucket")
    public static let s3Prefixes = EnvironmentVariable(
        "S3_PREFIXES", group: .source("s3"), required: true, help: "comma-separated prefixes, e.g. orders-create,orders-update")
    public static let awsAccessKeyId = EnvironmentVariable("AWS_ACCESS_KEY_ID", group: .source("s3"), required: true, help: "the access key id")
    public static let awsSecretAccessKey = EnvironmentVariable(
        "AWS_SECRET_ACCESS_KEY", group: .source("s3"), required: true, help: "the secret access key")
    public static let awsRegion = EnvironmentVariable("AWS_REGION", group: .source("s3"), default: "us-east-1", help: "the bucket's region")
    public static let awsSessionToken = EnvironmentVariable(
        "AWS_SESSION_TOKEN", group: .source("s3"), help: "the session token of temporary credentials")
    public static let s3EndpointURL = EnvironmentVariable(
        "S3_ENDPOINT_URL", group: .source("s3"), help: "an S3-compatible store's URL (path-style URLs)")
    public static let s3Dataset = EnvironmentVariable("S3_DATASET", group: .source("s3"), default: "s3_exports", help: "dataset (schema) name")
}

/// The variables `S3Client.Settings` and `S3ExportsSource` are read from, in the order they
/// are listed.
public enum S3Variables {
    public static let all: [EnvironmentVariable] = [
        .s3BucketName, .s3Prefixes, .awsAccessKeyId, .awsSecretAccessKey, .awsRegion, .awsSessionToken, .s3EndpointURL, .s3Dataset,
    ]
}
