import { Construct } from "constructs";
import { DataAwsElbServiceAccount } from "@cdktf/provider-aws/lib/data-aws-elb-service-account";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { ELB_ACCOUNT_REGIONS } from "../settings/aws-rules";
import { AwsAccount } from "./iam";
import { jsonDocument } from "./json-document";

export interface AccessLogBucketProps {
  /** Prefix of the bucket's name (S3 adds a unique suffix) and of the log objects. */
  readonly name: string;
  /** Region of the load balancers that deliver to it. */
  readonly region: string;
  /** Days a log object is kept. */
  readonly expirationDays: number;
}

/**
 * The S3 bucket load balancers write their access logs to: private (public access blocked, ACLs off), encrypted
 * with S3-managed keys (the only kind ELB log delivery supports), objects expiring after the retention, and a
 * policy that lets only Elastic Load Balancing write, only under AWSLogs/<this account>/, only over TLS.
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: S3Bucket;
  /** Load balancers must wait for it: ELB checks that it may write when access logs are turned on. */
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, "bucket", { bucketPrefix: `${props.name}-lb-logs-` });
    // One configuration call after another: S3 answers 409 OperationAborted to concurrent ones on a bucket
    // (hashicorp/terraform-provider-aws#7628), so each waits for the one before.
    const publicAccess = new S3BucketPublicAccessBlock(this, "public-access", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    const ownership = new S3BucketOwnershipControls(this, "ownership", {
      dependsOn: [publicAccess],
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    const encryption = new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      dependsOn: [ownership],
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    const expiry = new S3BucketLifecycleConfiguration(this, "expiry", {
      dependsOn: [encryption],
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-access-logs",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.expirationDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
    });

    const account = AwsAccount.of(this);
    // Older regions deliver from Elastic Load Balancing's own account there, newer ones through its service
    // principal; granting the principal everywhere keeps working if AWS moves an older region over.
    const principal: Record<string, string> = { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
    if (ELB_ACCOUNT_REGIONS.includes(props.region)) principal.AWS = new DataAwsElbServiceAccount(this, "elb-account").arn;
    this.policy = new S3BucketPolicy(this, "policy", {
      dependsOn: [expiry],
      bucket: this.bucket.id,
      policy: jsonDocument({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ElasticLoadBalancingWritesAccessLogs",
            Effect: "Allow",
            Principal: principal,
            Action: "s3:PutObject",
            Resource: `${this.bucket.arn}/${props.name}/AWSLogs/${account.accountId}/*`,
          },
          {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.bucket.arn, `${this.bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
  }
}
