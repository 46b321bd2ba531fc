// The load balancer of one service, alone in a stack: HTTPS with a current TLS policy and HTTP redirected to it when
// it has a certificate; plain HTTP, which the policy refuses unless suppressed, when it has none.
import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { ServiceLoadBalancer, TLS_POLICY } from "../../constructs/service-load-balancer";
import { checkStack } from "../../policy/policy-checks";
import { RULES } from "../../policy/rules";

const CERTIFICATE = "arn:aws:acm:us-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100";

function balancerStack(certificateArn?: string) {
  const stack = new TerraformStack(Testing.app(), "lb");
  new AwsProvider(stack, "aws", { region: "us-west-1" });
  const lb = new ServiceLoadBalancer(stack, "web", {
    name: "soa-web",
    vpcId: "vpc-0123",
    subnetIds: ["subnet-1", "subnet-2"],
    securityGroupId: "sg-0123",
    internal: false,
    healthCheckPath: "/",
    certificateArn,
    accessLogs: { bucket: "logs", prefix: "soa", after: [] },
  });
  const listeners = Object.values(JSON.parse(Testing.synth(stack)).resource.aws_lb_listener) as any[];
  return { stack, lb, listeners };
}

describe("with a certificate", () => {
  const { stack, lb, listeners } = balancerStack(CERTIFICATE);

  test("serves HTTPS on 443 with the certificate and the TLS policy AWS recommends", () => {
    expect(TLS_POLICY).toBe("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09");
    expect(listeners.filter((l) => l.port === 443)).toEqual([
      expect.objectContaining({ protocol: "HTTPS", certificate_arn: CERTIFICATE, ssl_policy: TLS_POLICY }),
    ]);
    // The listener ECS waits for is the one that forwards.
    expect(lb.listener.node.id).toBe("https");
  });

  test("redirects HTTP on 80 to HTTPS, permanently", () => {
    expect(listeners.filter((l) => l.port === 80).map((l) => [l.protocol, l.default_action])).toEqual([
      ["HTTP", [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", status_code: "HTTP_301" } }]],
    ]);
  });

  test("passes every policy rule, HTTPS ones included", () => {
    expect(checkStack(stack)).toEqual([]);
  });
});

describe("without a certificate", () => {
  const { stack, listeners } = balancerStack();

  test("serves plain HTTP on 80, forwarding to the targets", () => {
    expect(listeners.map((l) => [l.port, l.protocol, l.default_action[0].type])).toEqual([[80, "HTTP", "forward"]]);
  });

  test("fails the HTTPS rules unless suppressed, each finding naming certificateArn and plainHttp.reason", () => {
    const findings = checkStack(stack);
    expect(findings.map((v) => `${v.path} ${v.rule.id}`).sort()).toEqual(["lb/web/http CKV_AWS_103", "lb/web/http CKV_AWS_2", "lb/web/load-balancer CKV2_AWS_20"]);
    for (const v of findings) expect(v.detail).toMatch(/; fix: set certificateArn .*plainHttp\.reason/);
    expect(RULES.filter((r) => ["CKV_AWS_2", "CKV_AWS_103", "CKV2_AWS_20"].includes(r.id))).toHaveLength(3);
  });
});
