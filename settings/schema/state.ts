// Where Terraform keeps the state of each stack: an S3 bucket, or local files.
import { z } from "zod";
import { backendKeyProblem, bucketNameProblem } from "../s3-names";
import { AWS_REGIONS, AWS_RULES, regionProblem } from "../aws-rules";
import { stateDirProblem } from "../paths-checks";
import { checkedBy } from "./common";

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const state = z
  .strictObject({
    bucket: z
      .string()
      .regex(BUCKET, { error: `expected an S3 bucket name: ${AWS_RULES.s3BucketName.rule}` })
      // The names S3 reserves, once the shape is right: a malformed name is reported once, above.
      .superRefine(checkedBy((name) => (BUCKET.test(name) ? bucketNameProblem(name) : undefined)))
      .nullable()
      .default(null)
      .describe("S3 bucket for Terraform state (encrypted, with S3 lock files); null keeps state in local files"),
    keyPrefix: z
      .string()
      .regex(/^[A-Za-z0-9._/-]+$/, { error: "expected an S3 key prefix such as soa/prod" })
      // The key is <keyPrefix>/…: a prefix with an outer or a double slash makes a key Terraform refuses.
      .superRefine(checkedBy((prefix) => (prefix === "" ? undefined : backendKeyProblem(prefix))))
      .default("soa")
      .describe("Key prefix of the state objects in the bucket: <prefix>/<stack>.tfstate"),
    region: z
      .string()
      .superRefine(checkedBy(regionProblem))
      .meta({ enum: [...AWS_REGIONS] })
      .nullable()
      .default(null)
      .describe("Region of the state bucket, only with state.bucket; null means the platform's region"),
    localDir: z
      .string()
      .regex(/^(?!\/)(?!.*\.\.)[A-Za-z0-9._/-]+$/, {
        error: "expected a directory relative to the project, without '..'",
      })
      .superRefine(checkedBy(stateDirProblem))
      .default("terraform-state")
      .describe("Directory, relative to the project, of the local state files when no bucket is set"),
    keyIncludesRegion: z
      .boolean()
      .nullable()
      .default(null)
      .describe(
        "The region in the state's key, after the environment: <keyPrefix>/<environment>/<region>/<stack>.tfstate, so one environment in two regions keeps two states. true for a new deployment; false keeps the key an existing deployment's state is at (docs/operating.md, State: moving it); null: false, with a warning at every synthesis until you choose",
      ),
  })
  // A bucket's region without a bucket changes nothing: most likely the bucket was meant, and state stays local.
  .superRefine((state, ctx) => {
    if (state.region !== null && state.bucket === null) {
      ctx.addIssue({ code: "custom", path: ["region"], message: "expected only with state.bucket, the bucket it is the region of: without one, state stays in local files" });
    }
  })
  .prefault({})
  .describe("Where Terraform keeps the state of each stack");
