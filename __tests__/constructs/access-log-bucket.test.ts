// The access log bucket's configuration reaches S3 one call at a time: S3 answers 409 OperationAborted to
// concurrent configuration calls on one bucket (hashicorp/terraform-provider-aws#7628).
import { Testing, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AccessLogBucket } from "../../constructs/access-log-bucket";

const CONFIGURATION = [
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_ownership_controls",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_policy",
];

function synth(region = "us-west-1") {
  const stack = new TerraformStack(Testing.app(), "t");
  new AwsProvider(stack, "aws", { region });
  new AccessLogBucket(stack, "logs", { name: "soa", region, expirationDays: 90 });
  return JSON.parse(Testing.synth(stack));
}

test("the five configurations of the bucket form one chain, each after the one before", () => {
  const json = synth();
  const address = (type: string) => `${type}.${Object.keys(json.resource[type])[0]}`;
  const config = (type: string) => Object.values(json.resource[type])[0] as any;
  CONFIGURATION.forEach((type, i) => {
    expect(Object.keys(json.resource[type])).toHaveLength(1);
    expect(config(type).bucket).toBe(`\${${address("aws_s3_bucket")}.id}`);
    expect(config(type).depends_on).toEqual(i === 0 ? undefined : [address(CONFIGURATION[i - 1])]);
  });
  // Nothing else configures the bucket alongside them.
  const others = Object.keys(json.resource).filter((t) => t.startsWith("aws_s3_bucket_") && !CONFIGURATION.includes(t));
  expect(others).toEqual([]);
});
