// What AWS, S3 and Terraform would refuse in names, schedules, ranges and ARNs, a few rules through the real entry
// point (commands/synth.js): exit 1 with the rule's line, nothing written.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runSynth } from "../helpers";
import { AWS_RULES } from "../../settings/aws-rules";

describe("through the real entry point (commands/synth.js)", () => {
  const root = mkdtempSync(join(tmpdir(), "aws-limits-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test.each([
    [{ backups: { schedule: "cron(0/10 * * * ? *)" } }, `backups.schedule = "cron(0/10 * * * ? *)": expected one minute of the hour in the minutes field, not 6: ${AWS_RULES.backupSchedule.rule}`],
    [{ state: { bucket: "state.mrap" } }, `state.bucket = "state.mrap": expected a name that does not end with .mrap, which S3 reserves: ${AWS_RULES.s3BucketName.rule}`],
    [{ network: { vpcCidr: "127.0.0.0/16", publicSubnetCidrs: ["127.0.0.0/24", "127.0.1.0/24"] } }, `network.vpcCidr = "127.0.0.0/16": expected a block outside 127.0.0.0/8 (loopback): ${AWS_RULES.vpcRange.rule}`],
    [{ dockerHost: { keyPair: "key\u0007" } }, `dockerHost.keyPair = "key\\u0007": expected printable ASCII characters only, no control or non-ASCII characters: ${AWS_RULES.keyPairName.rule}`],
    // One character more than the options fixture's cluster name, which the AWS provider takes (npm run validate
    // options): its maintenance window task would be named with 129, which the provider refuses at plan.
    [{ clusters: { a: { name: `berlin-${"x".repeat(102)}` } } }, `clusters.a.name = "berlin-${"x".repeat(69)}...: expected at most 108 characters: ${AWS_RULES.ssmPatchingName.rule}`],
  ])("%j exits 1 with the line, writing nothing", (settings, expected) => {
    const dir = mkdtempSync(join(root, "case-"));
    const config = join(dir, "infra.json");
    writeFileSync(config, JSON.stringify(settings));
    const out = join(dir, "out");
    const result = runSynth(config, out);
    expect(result.status).toBe(1);
    const lines = `${result.stdout}${result.stderr}`.split("\n");
    expect(lines).toContain("Invalid settings, nothing was synthesized:");
    expect(lines).toContain(`INFRA_CONFIG file ${config}: ${expected}`);
    expect(existsSync(out)).toBe(false);
  });

  test("a service without a load balancer gets no load balancer name: a long key is taken where one behind a load balancer is not", () => {
    const dir = mkdtempSync(join(root, "case-"));
    const service = (loadBalancer: unknown) => ({ cluster: "b", taskDefinition: "task-definitions/bottask.json", ...(loadBalancer ? { loadBalancer } : {}) });
    const config = join(dir, "infra.json");
    // platform-staging-notification-bot: 33 characters.
    writeFileSync(config, JSON.stringify({ project: "platform", environment: "staging", services: { "notification-bot": service(null) } }));
    expect(runSynth(config, join(dir, "out")).status).toBe(0);
    writeFileSync(config, JSON.stringify({ project: "platform", environment: "staging", services: { "notification-bot": service({ container: "bottask", containerPort: 1337 }) } }));
    const refused = runSynth(config, join(dir, "out2"));
    expect(refused.status).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).toContain(`expected a key of at most 15 characters: ${AWS_RULES.loadBalancerName.rule}`);
  });
});
