import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { AWS_REGIONS, architectureOf, containerPathProblem, hostPathProblem, regionProblem } from "../../settings/aws-rules";

test("the regions are the aws partition's, as the installed AWS SDK lists them", () => {
  // @aws-sdk/core ships the partitions data every SDK client resolves endpoints with.
  const core = dirname(require.resolve("@aws-sdk/core/package.json"));
  const source = readFileSync(join(core, "dist-es", "submodules", "client", "util-endpoints", "lib", "aws", "partitions.js"), "utf8");
  const data = JSON.parse(source.replace(/^export const partitionsInfo = /, "").replace(/;\s*$/, ""));
  const aws = data.partitions.find((p: { id: string }) => p.id === "aws");
  expect(aws.outputs.dnsSuffix).toBe("amazonaws.com");
  expect([...AWS_REGIONS]).toEqual(Object.keys(aws.regions).filter((r) => !r.endsWith("-global")).sort());
});

test("regions of other partitions are named as such", () => {
  expect(regionProblem("us-west-1")).toBeUndefined();
  expect(regionProblem("us-gov-west-1")).toMatch(/is in aws-us-gov/);
  expect(regionProblem("cn-northwest-1")).toMatch(/is in aws-cn/);
  expect(regionProblem("us-west-9")).toMatch(/^expected an AWS region such as us-west-1/);
});

test.each([
  ["t3.small", "x86_64"],
  ["m7i-flex.large", "x86_64"],
  ["g4dn.xlarge", "x86_64"],
  ["gr6.4xlarge", "x86_64"],
  ["inf2.xlarge", "x86_64"],
  ["t4g.small", "arm64"],
  ["m7g.large", "arm64"],
  ["c7gn.medium", "arm64"],
  ["r8g.large", "arm64"],
  ["x2gd.large", "arm64"],
  ["im4gn.large", "arm64"],
  ["g5g.xlarge", "arm64"],
  ["a1.medium", "arm64"],
])("%s is %s", (type, architecture) => {
  expect(architectureOf(type)).toBe(architecture);
});

test("paths: normalized, and off system directories", () => {
  expect(hostPathProblem("/data/db")).toBeUndefined();
  expect(hostPathProblem("/data/../var/run")).toMatch(/normalized/);
  expect(hostPathProblem("/data//db")).toMatch(/normalized/);
  expect(hostPathProblem("/data/./db")).toMatch(/normalized/);
  expect(hostPathProblem("/var/run/docker.sock")).toMatch(/system directory \/var$/);
  expect(hostPathProblem("/etc")).toMatch(/system directory \/etc$/);
  expect(containerPathProblem("/usr/share/elasticsearch/data")).toBeUndefined();
  expect(containerPathProblem("/etc/nginx/conf.d")).toBeUndefined();
  expect(containerPathProblem("/etc")).toMatch(/container's system directory \/etc/);
  expect(containerPathProblem("/")).toMatch(/container's system directory \/$/);
  expect(containerPathProblem("/..")).toMatch(/normalized/);
  expect(containerPathProblem("relative")).toBe("expected an absolute path");
});
